"""Cutting long field recordings into sounds, and trimming silence.

``sounds(x, sr)`` finds the sounding stretches of a mono recording: 10 ms blocks louder
than 10 dB over the recording's own noise floor (its 10th-percentile block) and within
50 dB of its loudest block (a steady recording, whose loudest block is less than 15 dB
over its 10th percentile, sounds all through), with pauses shorter than
``min_gap_s`` bridged and stretches shorter than ``min_len_s`` dropped. A stretch longer
than ``max_len_s`` is cut again before its strongest onsets (rises of 6 dB or more over
30 ms) or, where it has none, at the quietest block between half and all of ``max_len_s``. ``trim(x, sr)`` is the one span from the
first sounding block to the last. Spans are (start, stop) frames with a little silence
kept around them (``pre_s``, ``post_s``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["sounds", "trim"]

_BLOCK_S = 0.01


def _block_db(x: np.ndarray, sr: int) -> tuple[np.ndarray, int]:
    hop = max(1, int(_BLOCK_S * sr))
    k = max(1, -(-len(x) // hop))
    padded = np.zeros(k * hop, np.float64)
    padded[: len(x)] = x
    power = np.mean(padded.reshape(k, hop) ** 2, axis=1)
    return 10.0 * np.log10(power + 1e-20), hop


def _threshold(db: np.ndarray) -> float:
    p10 = float(np.percentile(db, 10))
    if float(db.max()) - p10 < 15.0:  # steady (rain, a drone): all of it sounds
        return -90.0
    return max(p10 + 10.0, float(db.max()) - 50.0, -90.0)


def trim(x: np.ndarray, sr: int, pre_s: float = 0.005, post_s: float = 0.05) -> tuple[int, int]:
    """(start, stop) frames of ``x`` from its first to its last sounding block, with
    ``pre_s``/``post_s`` kept around; (0, 0) when nothing sounds."""
    x = np.asarray(x)
    if x.size == 0:
        return 0, 0
    db, hop = _block_db(x, sr)
    on = np.nonzero(db >= _threshold(db))[0] if db.max() > -90 else np.zeros(0, int)
    if on.size == 0:
        return 0, 0
    start = max(0, int(on[0]) * hop - int(pre_s * sr))
    stop = min(len(x), (int(on[-1]) + 1) * hop + int(post_s * sr))
    return start, stop


def sounds(x: np.ndarray, sr: int, *, min_gap_s: float = 0.25, min_len_s: float = 0.02,
           max_len_s: float = 10.0, pre_s: float = 0.005, post_s: float = 0.05) -> list[tuple[int, int]]:
    """Sounding spans of the mono recording ``x`` at ``sr`` Hz (see the module doc)."""
    x = np.asarray(x)
    if x.size == 0:
        return []
    db, hop = _block_db(x, sr)
    if db.max() <= -90:
        return []
    loud = db >= _threshold(db)
    spans: list[list[int]] = []
    gap = int(round(min_gap_s / _BLOCK_S))
    for b in np.nonzero(loud)[0]:
        if spans and b - spans[-1][1] <= gap:
            spans[-1][1] = int(b) + 1
        else:
            spans.append([int(b), int(b) + 1])
    min_blocks = max(1, int(round(min_len_s / _BLOCK_S)))
    max_blocks = max(min_blocks + 1, int(max_len_s / _BLOCK_S))
    out = []
    for b0, b1 in spans:
        if b1 - b0 < min_blocks:
            continue
        for c0, c1 in _cut_long(db, b0, b1, max_blocks, min_blocks):
            start = max(0, c0 * hop - int(pre_s * sr))
            stop = min(len(x), c1 * hop + int(post_s * sr))
            out.append((start, stop))
    # keep spans apart: padding must not overlap the next sound
    for i in range(1, len(out)):
        if out[i][0] < out[i - 1][1]:
            mid = (out[i - 1][1] + out[i][0]) // 2 if out[i - 1][1] > out[i][0] else out[i][0]
            out[i - 1] = (out[i - 1][0], min(out[i - 1][1], max(mid, out[i][0])))
            out[i] = (out[i - 1][1], out[i][1])
    return out


def _cut_long(db: np.ndarray, b0: int, b1: int, max_blocks: int, min_blocks: int) -> list[tuple[int, int]]:
    """Cut [b0, b1) when longer than ``max_blocks``: before each onset that rises 10 dB
    or more over 30 ms, then, where a piece is still too long, at the quietest block of its second half."""
    if b1 - b0 <= max_blocks:
        return [(b0, b1)]
    seg = db[b0:b1]
    rise = np.full(len(seg), -np.inf)
    if len(seg) > 3:
        mins = np.lib.stride_tricks.sliding_window_view(seg, 3).min(axis=1)
        rise[3:] = seg[3:] - mins[: len(seg) - 3]
    cuts = [0]
    spacing = max(min_blocks, 10)
    for i in np.nonzero(rise >= 10.0)[0]:
        i = int(i)
        cut = i - 3 + int(np.argmin(seg[i - 3:i]))  # the quiet just before the rise
        if cut - cuts[-1] >= spacing and len(seg) - cut >= spacing:
            cuts.append(cut)
    cuts.append(len(seg))
    pieces = []
    for c0, c1 in zip(cuts[:-1], cuts[1:]):
        while c1 - c0 > max_blocks:
            lo = c0 + max(min_blocks, max_blocks // 2)
            cut = lo + int(np.argmin(seg[lo:c0 + max_blocks]))
            pieces.append((b0 + c0, b0 + cut))
            c0 = cut
        pieces.append((b0 + c0, b0 + c1))
    return pieces
