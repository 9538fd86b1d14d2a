"""Zap arcade.

Zaps, bloops and chirps in a ply-and-palindrome game: `ply` repeats events, `palindrome`
alternates direction, `chunk` speeds up one quarter per cycle.
"""
d1 << s("zap bloop chirp bloop").ply("<1 2>").palindrome()
d2 << s("tick*8").chunk(4, lambda p: p.speed(2)).gain(0.6)
