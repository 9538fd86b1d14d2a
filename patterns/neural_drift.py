"""Neural drift.

The same beat twice: plain on d1, and on d2 resynthesised by livesamp's default neural
voice (trained on the default bank), its brightness latent z0 walked by a slow sine and
its second latent stepping each cycle, a latent space to wander like an environment. d3
holds a hum whose timbre drifts. The audience view names the voice and what it was
trained on.
"""
d1 << s("thud*4 [tss drip]").gain(0.85)
d2 << s("thud*4 [tss drip]").voice("default").z0(sine.range(-2, 2).slow(8)).z1("<-1 1>").pan(0.75)
d3 << s("hum:1").voice("default").z0(saw.range(-2, 2).slow(4)).legato(1).gain(0.8)
