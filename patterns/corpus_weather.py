"""Corpus weather.

The whole default bank cut into short units and played by what they sound like, not by
name: a bright, noisy drizzle over a dark, tonal undertow, with a line that walks up
the pitches of the bank. Shows `corpus` with word targets, `taboo` (no unit twice within
four onsets), descriptor values as patterns (`pitch="<110 220 440 880>"`), `k` and the
units' own credits (every hap names the sample and the span it comes from).
"""
d1 << corpus("default").target("<tss hiss>*8").k(6).taboo(4).gain(0.75).pan(rand)
d2 << corpus("default").target("[dark:tonal ~ low ~]").k(3).slow(2).gain(0.9)
d3 << corpus("default").target(pitch="<110 220 440 880>", confidence=1).k(1).struct("~ x ~ x").gain(0.7).room(0.3)
