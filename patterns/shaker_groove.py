"""Shaker groove.

Shaka and clap in a Latin-ish groove with `{}` polymeter and `@` weights.
"""
d1 << s("{shaka shaka:1 shaka:2}%8").gain("0.9 0.6")
d2 << s("clap@3 clap").late(0.25)
d3 << s("thud ~ thud:1 ~ ~ thud ~ ~")
