"""The GIL-free PortAudio callback: a numba ``@cfunc`` with PortAudio's C signature.

PortAudio calls ``pa_callback`` on its own thread. It is compiled machine code, so it
never takes the GIL: a busy Python thread cannot make the audio drop out. Its
``userData`` is the engine's address table (``table.AddressTable``); the work is
``block.process_block``, the same function ``NullOutput`` runs.

Importing this module compiles the cfunc, or loads it from numba's cache.
"""
from __future__ import annotations

import numpy as np
from numba import carray, cfunc, from_dtype, types

from .block import TABLE_LEN, process_block

__all__ = ["pa_callback", "CALLBACK_SIGNATURE"]

TIME_INFO = np.dtype([("inputBufferAdcTime", np.float64), ("currentTime", np.float64),
                      ("outputBufferDacTime", np.float64)], align=True)
CALLBACK_SIGNATURE = types.int32(types.voidptr, types.voidptr, types.uint64,
                                 types.CPointer(from_dtype(TIME_INFO)), types.uint64,
                                 types.voidptr)


@cfunc(CALLBACK_SIGNATURE, nopython=True, error_model="numpy", cache=True)
def pa_callback(input_buffer, output_buffer, frames, time_info, status_flags, user_data):
    tab = carray(user_data, (TABLE_LEN,), np.int64)
    n = np.int64(frames)
    o = carray(output_buffer, (n, 2), np.float32)
    ti = carray(time_info, 1)[0]
    process_block(tab, o, n, np.int64(status_flags), ti.outputBufferDacTime, ti.currentTime)
    return 0
