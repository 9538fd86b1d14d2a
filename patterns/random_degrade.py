"""Randomness and degradation.

Seeded randomness that sounds the same in every rehearsal: `?` drops, `|` choices,
`degrade_by`, `sometimes`, `choose`. Shows control (the seed) versus emergence.
"""
d1 << s("[tss|tsk|tick]*8").degrade_by(0.3)
d2 << s("drip*4?").n(irand(4)).sometimes(lambda p: p.speed(2))
d3 << s("thud*2").n(choose(0, 1, 2))
