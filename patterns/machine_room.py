"""Machine room.

Whirr, hum and crackle as a slowly shifting industrial loop: `chop` cuts the whirr into
pieces, `iter` rotates a clank pattern, `hurry` speeds it up every fourth cycle.
"""
d1 << s("whirr").chop(8).speed("<1 1.2>")
d2 << s("klonk tick klonk:1 tick").iter(4).every(4, lambda p: p.hurry(2))
d3 << s("hum").legato(1).gain(0.7)
d4 << s("crackle*2").gain(0.6)
