"""Call and response across slots.

d1 calls in the first half of each cycle, d2 answers in the second: `compress` squeezes a
phrase into part of the cycle; `every` varies the answer.
"""
d1 << s("plink ping plink:2 ~").compress(0, 0.5)
d2 << s("boing bloop ~ womp").compress(0.5, 1).every(2, lambda p: p.speed(1.5))
d3 << s("thud ~ ~ ~")
