"""Breakbeat from thuds and tss.

A two-bar break: thuds on the downbeats with a syncopated ghost, tss and tsk hats that
swing, a clap backbeat. Shows sequences, rests, `<>` alternation and `swing`.
"""
d1 << s("thud ~ [~ thud] ~, ~ clap ~ [clap ~ ~ clap?]").gain(1.1)
d2 << s("[tss tsk]*4").gain("0.8 0.6").swing(4)
d3 << s("<soft_thud ~> ~ ~ soft_thud:1").speed(0.9)
