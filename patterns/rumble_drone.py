"""Rumble drone.

A long low bed: rumble and hum layered with `stack`, filtered by a slow sine, with a
fizzing top that `striate`s.
"""
d1 << stack(s("rumble").legato(1), s("hum:1").legato(1).gain(0.8)).slow(2).cutoff(sine.slow(8).range(200, 1200))
d2 << s("fizz").striate(4).gain(0.6)
