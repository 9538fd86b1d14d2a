"""Euclidean polyrhythms.

Three Bjorklund rhythms of different lengths against each other: 3 in 8, 5 in 12 rotated,
7 in 16. Shows euclid in mini-notation with patterned arguments.
"""
d1 << s("thud(3,8)")
d2 << s("klonk(<5 7>,12,2)").gain(0.9).pan(0.3)
d3 << s("tick(7,16)").speed(1.5).pan(0.7)
