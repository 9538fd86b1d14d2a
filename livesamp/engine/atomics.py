"""Tiny numba intrinsics the lock-free parts of the engine need.

numba has no public atomics or raw-pointer casts, so these few lines of LLVM IR
give us:

- ``load_acquire(a, i)`` / ``store_release(a, i, v)``: atomic int64 load (acquire)
  and store (release) on element ``i`` of a 1-d int64 array. They publish ring
  indices and sample lengths between the audio thread and Python threads; plain
  stores happen to work on x86 but not on arm64.
- ``as_voidptr(addr)``: an int64 address as ``void*`` so ``numba.carray`` can make a
  non-owning view of a shared array from inside the ``@cfunc`` callback.
- ``monotonic_ns()``: ``clock_gettime(CLOCK_MONOTONIC)`` called straight from
  compiled code (no GIL, no Python), used to measure the callback's CPU load.

All are usable from ``@njit`` and ``@cfunc`` code and survive ``cache=True``
(the external symbol is registered with LLVM at import time).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

import llvmlite.binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["load_acquire", "store_release", "as_voidptr", "monotonic_ns"]

# CLOCK_MONOTONIC: 1 on Linux, 6 on macOS.
_CLOCK_MONOTONIC = 6 if sys.platform == "darwin" else 1


def _register_clock_gettime() -> None:
    """Make ``clock_gettime`` resolvable by numba's JIT linker (also for cached code)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else ctypes.CDLL(None)
    try:
        addr = ctypes.cast(libc.clock_gettime, ctypes.c_void_p).value
    except AttributeError:  # pragma: no cover - very old libc: librt
        librt = ctypes.CDLL(ctypes.util.find_library("rt"))
        addr = ctypes.cast(librt.clock_gettime, ctypes.c_void_p).value
    llvm.add_symbol("clock_gettime", addr)


_register_clock_gettime()


@intrinsic
def load_acquire(typingctx, arr_t, idx_t):
    """Atomic acquire load of ``arr[idx]`` (1-d int64 array)."""
    if not (isinstance(arr_t, types.Array) and arr_t.dtype == types.int64 and arr_t.ndim == 1):
        return None
    sig = types.int64(arr_t, idx_t)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = context.cast(builder, args[1], signature.args[1], types.intp)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [idx])
        return builder.load_atomic(ptr, ordering="acquire", align=8)

    return sig, codegen


@intrinsic
def store_release(typingctx, arr_t, idx_t, val_t):
    """Atomic release store ``arr[idx] = val`` (1-d int64 array)."""
    if not (isinstance(arr_t, types.Array) and arr_t.dtype == types.int64 and arr_t.ndim == 1):
        return None
    sig = types.void(arr_t, idx_t, val_t)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = context.cast(builder, args[1], signature.args[1], types.intp)
        val = context.cast(builder, args[2], signature.args[2], types.int64)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [idx])
        builder.store_atomic(val, ptr, ordering="release", align=8)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def as_voidptr(typingctx, addr_t):
    """Reinterpret an integer address as ``void*`` (for ``numba.carray``)."""
    if not isinstance(addr_t, types.Integer):
        return None
    sig = types.voidptr(addr_t)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], cgutils.voidptr_t)

    return sig, codegen


@intrinsic
def monotonic_ns(typingctx):
    """``clock_gettime(CLOCK_MONOTONIC)`` in nanoseconds, as int64."""
    sig = types.int64()

    def codegen(context, builder, signature, args):
        i64 = ir.IntType(64)
        i32 = ir.IntType(32)
        ts_t = ir.LiteralStructType([i64, i64])
        fnty = ir.FunctionType(i32, [i32, ts_t.as_pointer()])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "clock_gettime")
        ts = cgutils.alloca_once(builder, ts_t)
        builder.call(fn, [ir.Constant(i32, _CLOCK_MONOTONIC), ts])
        sec = builder.load(cgutils.gep_inbounds(builder, ts, 0, 0))
        nsec = builder.load(cgutils.gep_inbounds(builder, ts, 0, 1))
        return builder.add(builder.mul(sec, ir.Constant(i64, 1_000_000_000)), nsec)

    return sig, codegen
