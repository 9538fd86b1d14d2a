"""A small PNG reader for screenshot tests (8-bit RGB/RGBA, not interlaced: what Chromium writes)."""
from __future__ import annotations

import struct
import zlib

import numpy as np
from numba import njit


@njit(cache=True)
def _unfilter(raw, height, stride, bpp):
    out = np.zeros((height, stride), np.uint8)
    pos = 0
    for y in range(height):
        ftype = raw[pos]
        pos += 1
        for x in range(stride):
            v = np.int32(raw[pos + x])
            a = np.int32(out[y, x - bpp]) if x >= bpp else 0
            b = np.int32(out[y - 1, x]) if y > 0 else 0
            c = np.int32(out[y - 1, x - bpp]) if (x >= bpp and y > 0) else 0
            if ftype == 1:
                v += a
            elif ftype == 2:
                v += b
            elif ftype == 3:
                v += (a + b) // 2
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                v += a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
            out[y, x] = v & 0xFF
        pos += stride
    return out


def read_png(path) -> np.ndarray:
    """(height, width, channels) uint8."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8)
    return _unfilter(raw, height, width * channels, channels).reshape(height, width, channels)
