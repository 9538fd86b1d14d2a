"""The windowed-sinc resampler against exact sines, on both of its code paths."""
from __future__ import annotations

import numpy as np
import pytest

from livesamp.bank.resample import resample, resampled_length


def sine(freq, sr, n):
    return np.sin(2 * np.pi * freq * np.arange(n) / sr)


@pytest.mark.parametrize("sr_in, sr_out", [(44100, 48000), (48000, 44100), (96000, 48000), (22050, 48000),
                                           (44101, 48000)])  # the last has too many phases: table path
def test_sine_is_preserved(sr_in, sr_out):
    x = sine(997.0, sr_in, sr_in // 2)
    y = resample(np.stack([x, 0.5 * x], axis=1), sr_in, sr_out)
    assert y.dtype == np.float32 and y.shape == (resampled_length(len(x), sr_in, sr_out), 2)
    ref = sine(997.0, sr_out, len(y))
    edge = 1000
    assert np.max(np.abs(y[edge:-edge, 0] - ref[edge:-edge])) < 1e-4
    assert np.max(np.abs(y[edge:-edge, 1] - 0.5 * ref[edge:-edge])) < 1e-4


def test_downsampling_removes_what_would_alias():
    x = sine(23000.0, 48000, 24000)  # above 44.1k's Nyquist: would fold to 21.1 kHz
    y = resample(x, 48000, 44100)
    assert y.ndim == 1 and np.sqrt(np.mean(y[1000:-1000] ** 2)) < 1e-3


def test_equal_rates_copy_and_bad_input():
    x = np.ones(10, np.float64)
    y = resample(x, 48000, 48000)
    assert y.dtype == np.float32 and np.array_equal(y, x) and not np.shares_memory(x, y)
    with pytest.raises(ValueError, match="positive"):
        resample(x, 0, 48000)
    with pytest.raises(ValueError, match="shape"):
        resample(np.ones((2, 2, 2)), 44100, 48000)
