"""OSC 1.0 on the wire: decode datagrams strictly, encode messages and bundles.

Our own small codec rather than python-osc's parsers, for three reasons: a bundle's
timetag is handed to the caller as it is (python-osc's `OscPacket` replaces past
timetags with "now", and its `Dispatcher` sleeps until them unless `strict_timing=False`);
every way a datagram can be wrong becomes one `OscDecodeError` with a short `reason`
(counted by the server), never another exception; and the limits that keep a hostile
datagram cheap (size, nesting, argument count, string length) are explicit.

Decoding yields `Message(address, args, typetags, timetag)`: `timetag` is the NTP
timetag of the innermost enclosing bundle as an integer (seconds << 32 | fraction), or
None for a bare message or the "immediately" timetag (1).
"""
from __future__ import annotations

import math
import struct
from dataclasses import dataclass

__all__ = ["Message", "OscDecodeError", "decode", "encode_message", "encode_bundle",
           "IMMEDIATELY", "MAX_DATAGRAM", "MAX_DEPTH", "MAX_ARGS", "MAX_STRING"]

IMMEDIATELY = 1          # the NTP timetag that means "now"
MAX_DATAGRAM = 65507     # largest UDP payload over IPv4
MAX_DEPTH = 4            # nested bundles deeper than this are refused
MAX_ARGS = 512           # arguments in one message
MAX_MESSAGES = 1024      # messages in one datagram
MAX_STRING = 4096        # bytes in one string argument or address

_I32 = struct.Struct(">i")
_U32 = struct.Struct(">I")
_F32 = struct.Struct(">f")
_I64 = struct.Struct(">q")
_U64 = struct.Struct(">Q")
_F64 = struct.Struct(">d")
_BUNDLE = b"#bundle\0"


class OscDecodeError(ValueError):
    """A datagram that is not valid OSC (or exceeds a limit). `reason` is a short tag."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Message:
    address: str
    args: tuple
    typetags: str = ""
    timetag: int | None = None   # NTP (seconds << 32 | fraction), None: immediately


def _string(data: bytes, pos: int, end: int, what: str) -> tuple[str, int]:
    """An OSC-string (NUL-terminated, padded to 4) at `pos`; returns (text, next pos)."""
    nul = data.find(b"\0", pos, min(end, pos + MAX_STRING + 1))
    if nul < 0:
        if end - pos > MAX_STRING:
            raise OscDecodeError("huge_string", f"{what} longer than {MAX_STRING} bytes")
        raise OscDecodeError("truncated", f"{what} has no terminating NUL")
    nxt = (nul + 4) & ~3
    if nxt > end:
        raise OscDecodeError("truncated", f"{what} padding runs past the end")
    try:
        text = data[pos:nul].decode("utf-8")
    except UnicodeDecodeError:
        raise OscDecodeError("bad_string", f"{what} is not UTF-8") from None
    return text, nxt


def _need(pos: int, size: int, end: int, what: str) -> None:
    if pos + size > end:
        raise OscDecodeError("truncated", f"{what} needs {size} bytes at offset {pos}")


def _message(data: bytes, pos: int, end: int, timetag: int | None) -> Message:
    address, pos = _string(data, pos, end, "address")
    if not address.startswith("/"):
        raise OscDecodeError("bad_address", f"address {address[:40]!r} does not start with '/'")
    if pos >= end:  # old-style message without type tags: we accept it as having no args
        return Message(address, (), "", timetag)
    tags, pos = _string(data, pos, end, "type tags")
    if not tags.startswith(","):
        raise OscDecodeError("bad_typetags", f"type tags {tags[:40]!r} do not start with ','")
    tags = tags[1:]
    if len(tags) > MAX_ARGS:
        raise OscDecodeError("too_many_args", f"{len(tags)} arguments (at most {MAX_ARGS})")
    args = []
    append = args.append
    find = data.find
    for t in tags:
        if t == "s" or t == "S":   # inlined _string: most arguments are strings
            nul = find(b"\0", pos, end)
            if nul < 0 or nul - pos > MAX_STRING:
                _string(data, pos, end, "string argument")   # raises the right reason
            nxt = (nul + 4) & ~3
            if nxt > end:
                raise OscDecodeError("truncated", "string argument padding runs past the end")
            try:
                append(data[pos:nul].decode("utf-8"))
            except UnicodeDecodeError:
                raise OscDecodeError("bad_string", "string argument is not UTF-8") from None
            pos = nxt
        elif t == "f":
            if pos + 4 > end:
                _need(pos, 4, end, "float32")
            append(_F32.unpack_from(data, pos)[0])
            pos += 4
        elif t == "i":
            if pos + 4 > end:
                _need(pos, 4, end, "int32")
            append(_I32.unpack_from(data, pos)[0])
            pos += 4
        elif t == "b":
            _need(pos, 4, end, "blob size")
            size = _I32.unpack_from(data, pos)[0]
            pos += 4
            if size < 0:
                raise OscDecodeError("bad_blob", f"negative blob size {size}")
            _need(pos, size, end, "blob")
            args.append(bytes(data[pos:pos + size]))
            pos += (size + 3) & ~3
            if pos > end:
                raise OscDecodeError("truncated", "blob padding runs past the end")
        elif t == "h":
            _need(pos, 8, end, "int64")
            args.append(_I64.unpack_from(data, pos)[0])
            pos += 8
        elif t == "d":
            _need(pos, 8, end, "float64")
            args.append(_F64.unpack_from(data, pos)[0])
            pos += 8
        elif t == "t":
            _need(pos, 8, end, "timetag")
            args.append(_U64.unpack_from(data, pos)[0])
            pos += 8
        elif t == "T":
            args.append(True)
        elif t == "F":
            args.append(False)
        elif t == "N":
            args.append(None)
        elif t == "I":
            args.append(math.inf)
        elif t == "c":
            _need(pos, 4, end, "char")
            args.append(chr(_U32.unpack_from(data, pos)[0] & 0x10FFFF))
            pos += 4
        elif t == "m" or t == "r":
            _need(pos, 4, end, "midi/rgba")
            args.append(bytes(data[pos:pos + 4]))
            pos += 4
        else:  # arrays ('[' ']') and unknown tags: not part of what we accept
            raise OscDecodeError("bad_typetags", f"unsupported type tag {t!r}")
    if pos != end:
        raise OscDecodeError("trailing_bytes", f"{end - pos} bytes after the last argument")
    return Message(address, tuple(args), tags, timetag)


def _packet(data: bytes, pos: int, end: int, timetag: int | None, depth: int, out: list) -> None:
    if end - pos < 4 or (end - pos) % 4:
        raise OscDecodeError("bad_size", f"an OSC packet of {end - pos} bytes (must be a multiple of 4)")
    if data.startswith(_BUNDLE, pos):
        if depth >= MAX_DEPTH:
            raise OscDecodeError("too_deep", f"bundles nested deeper than {MAX_DEPTH}")
        _need(pos + 8, 8, end, "bundle timetag")
        tt = _U64.unpack_from(data, pos + 8)[0]
        inner = None if tt == IMMEDIATELY else tt
        pos += 16
        while pos < end:
            _need(pos, 4, end, "bundle element size")
            size = _I32.unpack_from(data, pos)[0]
            pos += 4
            if size <= 0 or size % 4:
                raise OscDecodeError("bad_size", f"bundle element of {size} bytes")
            _need(pos, size, end, "bundle element")
            _packet(data, pos, pos + size, inner, depth + 1, out)
            pos += size
        return
    if data[pos:pos + 1] != b"/":
        raise OscDecodeError("bad_address", "packet is neither a bundle nor a message")
    if len(out) >= MAX_MESSAGES:
        raise OscDecodeError("too_many_messages", f"more than {MAX_MESSAGES} messages")
    out.append(_message(data, pos, end, timetag))


def decode(data: bytes) -> list[Message]:
    """Every message in a datagram, in order, with its bundle's timetag.

    Raises OscDecodeError (a ValueError with `.reason`) for anything malformed; the
    datagram is then to be dropped whole.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode expects bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_DATAGRAM:
        raise OscDecodeError("too_big", f"{len(data)} bytes (at most {MAX_DATAGRAM})")
    out: list[Message] = []
    _packet(data, 0, len(data), None, 0, out)
    return out


# --- encoding ---------------------------------------------------------------------------
def _pad_string(s: str) -> bytes:
    b = s.encode("utf-8") + b"\0"
    return b + b"\0" * (-len(b) % 4)


def _infer(arg) -> str:
    if isinstance(arg, bool):
        return "T" if arg else "F"
    if arg is None:
        return "N"
    if isinstance(arg, int):
        return "i" if -2**31 <= arg < 2**31 else "h"
    if isinstance(arg, float):
        return "f"
    if isinstance(arg, str):
        return "s"
    if isinstance(arg, (bytes, bytearray)):
        return "b"
    raise TypeError(f"cannot send {type(arg).__name__} {arg!r} over OSC")


def encode_message(address: str, args=(), typetags: str | None = None) -> bytes:
    """One OSC message. `typetags` (without the comma) forces types, e.g. "sfsi", one per
    argument; by default ints are `i`, floats `f` (float32, as Tidal sends), strings `s`."""
    args = tuple(args)
    tags = typetags if typetags is not None else "".join(_infer(a) for a in args)
    if tags.startswith(","):
        tags = tags[1:]
    payload = []
    it = iter(args)
    for t in tags:
        a = next(it)   # one argument per tag (the value of T, F, N, I is not sent)
        if t in "TFNI":
            continue
        if t == "i":
            payload.append(_I32.pack(int(a)))
        elif t == "f":
            payload.append(_F32.pack(float(a)))
        elif t in "sS":
            payload.append(_pad_string(str(a)))
        elif t == "b":
            b = bytes(a)
            payload.append(_I32.pack(len(b)) + b + b"\0" * (-len(b) % 4))
        elif t == "h":
            payload.append(_I64.pack(int(a)))
        elif t == "d":
            payload.append(_F64.pack(float(a)))
        elif t == "t":
            payload.append(_U64.pack(int(a)))
        else:
            raise ValueError(f"cannot encode type tag {t!r}")
    return _pad_string(address) + _pad_string("," + tags) + b"".join(payload)


def encode_bundle(timetag: int, elements) -> bytes:
    """A bundle of already encoded messages/bundles at NTP `timetag` (1: immediately)."""
    body = b"".join(_I32.pack(len(e)) + e for e in elements)
    return _BUNDLE + _U64.pack(int(timetag)) + body
