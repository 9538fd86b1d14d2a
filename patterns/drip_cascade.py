"""Drip cascade.

A run of drips climbing in pitch, echoed and offset: `run`, `note`, `off`, `echo`.
"""
d1 << n(run(8)).s("drip").note("0 2 4 7 9 12 14 16").echo(3, 0.125, 0.6)
d2 << s("plink*4").off(0.125, lambda p: p.note(12).gain(0.7))
