"""Swoosh texture.

Slow overlapping swooshes, reversed and pitched, panned by a sine: a bed of air. Shows
`slow`, negative `speed`, signals as control values and `jux`.
"""
d1 << s("big_swoosh ~ ~ small_swoosh:2").slow(2).speed("<1 -1 0.75>").pan(sine.slow(4))
d2 << s("hiss*2").gain(0.7).cutoff(saw.range(800, 6000).slow(8)).legato(1)
d3 << s("~ small_swoosh").jux(rev).room(0.4)
