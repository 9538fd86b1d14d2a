"""Formant hall.

Plucks sung through the five vowels (`vowel`) into a long room on orbit 1 (`room`,
`size`); a ping echoing in time with the cycle on orbit 2 (`delay`, `delaytime` in cycles
with `lock`, `delayfeedback`); dry ticks on orbit 0 that stay dry.
"""
d1 << s("pluck*4").note("0 3 7 10").vowel("<a e i o u>").room(0.5).size(0.85).orbit(1).gain(0.6)
d2 << s("ping ~ ~ ~").delay(0.6).delaytime(0.1875).lock(1).delayfeedback(0.7).orbit(2).gain(0.8)
d3 << s("tick*8").gain(0.7)
