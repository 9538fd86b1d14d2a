"""Grain clouds.

Every event becomes a cloud of short grains with `.grain(...)`: drips smeared into a
shimmer whose read position sweeps with a slow sine, a hum stretched into a slow swell
with pitch jitter, stereo spread and some grains reversed, and a sparse line of single
grains (density 0) with a sharp exponential envelope ticking on top.
"""
d1 << s("drip").grain(size=0.04, density=80, pos=sine.slow(8), jitter=0.1, spread=0.8).gain(1.1)
d2 << (s("hum ~ hum ~").note("<0 -5>")
       .grain(size=0.08, density=40, pos=saw.slow(4), pitchjitter=0.3, reverse=0.3, env="tukey")
       .legato(1).gain(1.05).room(0.3))
d3 << s("tick*8").grain(size=0.012, density=0, pos=rand, env="expodec").gain(0.8)
