"""Broken radio.

Drums through cheap electronics: `crush` takes bits from the thud, `coarse` drops the
clap's sample rate, `shape` overdrives the knock, `bandf`/`bandq` squeeze the hiss into
a band that climbs through every cycle; a small room with `dry` held back on orbit 1.
"""
d1 << s("thud ~ thud ~").crush("<4 3 6>")
d2 << s("~ clap").coarse("<6 12 24>").room(0.4).size(0.6).dry(0.3).orbit(1)
d3 << s("knock*4").shape(0.85).gain(0.7)
d4 << s("hiss*8").bandf("<[800 1600 3200 6400] [600 1200 2400 4800]>").bandq(2).gain(0.7)
