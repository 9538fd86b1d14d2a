"""Recording the master output to a file, crash-safe.

The tap hub hands the recorder blocks of the master output (`feed`, a copy into a bounded
queue, never blocking); a writer thread writes them with soundfile and flushes to disk at
least every `flush_every_s` (0.25 s by default). A process killed mid-performance leaves a
file that opens and holds everything up to the last flush:

- WAV (and AIFF, CAF ...): libsndfile reads a header whose sizes were never updated by
  the length of the file.
- FLAC: the stream header's sample count is unknown until the encoder finishes, and a
  reader would not know where to stop, so after each flush the recorder writes into the
  header the number of samples surely on disk (whole blocks the encoder has emitted), as
  a finished file would have it; on a clean close the encoder writes the true header.

Gaps (the tap ring overflowed, or the queue did) are filled with silence so the file stays
aligned with the stream's frames, and counted in `gaps_frames`.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from pathlib import Path

import numpy as np

__all__ = ["Recorder"]

_SUBTYPES = {".wav": "FLOAT", ".flac": "PCM_24", ".aiff": "PCM_24", ".aif": "PCM_24", ".caf": "FLOAT"}


class Recorder:
    """Writes master output blocks to `path` from a writer thread.

    `start_frame`: the stream frame of the file's first sample (blocks before it are cut;
    None: the first block fed). `max_queue_s` bounds the memory waiting for the disk.
    """

    def __init__(self, path, sr: int, channels: int = 2, flush_every_s: float = 0.25,
                 start_frame: int | None = None, max_queue_s: float = 30.0, report=print):
        import soundfile as sf

        self.path = Path(path)
        self.sr = int(sr)
        self.channels = int(channels)
        self.flush_every_s = float(flush_every_s)
        self.report = report
        ext = self.path.suffix.lower()
        if not ext:
            raise ValueError(f"recording file {str(path)!r} needs an extension (.flac, .wav ...)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = sf.SoundFile(str(self.path), "w", self.sr, self.channels, subtype=_SUBTYPES.get(ext))
        self._is_flac = self._file.format == "FLAC"
        self._flac_block = 0                    # read from the header once it is written
        self._fd = os.open(self.path, os.O_RDWR) if self._is_flac else -1
        self.start_frame = start_frame
        self.next_frame = start_frame           # the stream frame the file continues with
        self.frames_written = 0                 # given to the encoder
        self.frames_durable = 0                 # surely readable after a crash
        self.gaps_frames = 0
        self.dropped_frames = 0
        self.flushes = 0
        self.max_flush_gap_s = 0.0              # the longest time between two flushes
        self.last_flush = time.monotonic()
        self._queue: deque = deque()
        self._queued = 0
        self._max_queued = int(max_queue_s * self.sr)
        self._cv = threading.Condition()
        self._closing = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="livesamp-recorder", daemon=True)
        self._thread.start()

    # -- producer side (the tap hub's thread) -------------------------------------------------
    def feed(self, frame0: int, block: np.ndarray) -> None:
        with self._cv:
            if self._closing:
                return
            if self._queued + len(block) > self._max_queued:
                self.dropped_frames += len(block)
                return
            self._queue.append((int(frame0), np.array(block, dtype=np.float32, copy=True)))
            self._queued += len(block)
            self._cv.notify()

    __call__ = feed

    def begin_at(self, frame: int) -> None:
        """Say which stream frame the file starts at (before anything was written)."""
        with self._cv:
            if self.frames_written == 0 and not self._queue:
                self.start_frame = self.next_frame = int(frame)

    # -- the writer thread ------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                with self._cv:
                    timeout = max(0.0, self.last_flush + self.flush_every_s - time.monotonic())
                    if not self._queue and not self._closing:
                        self._cv.wait(timeout)
                    items = list(self._queue)
                    self._queue.clear()
                    self._queued = 0
                    closing = self._closing
                for frame0, block in items:
                    self._write(frame0, block)
                if closing or time.monotonic() - self.last_flush >= self.flush_every_s:
                    self._flush()
                if closing:
                    return
        except BaseException as e:  # noqa: BLE001 - reported; the performance goes on
            self._error = e
            self.report(f"recording to {self.path} stopped: {type(e).__name__}: {e}")

    def _write(self, frame0: int, block: np.ndarray) -> None:
        if self.next_frame is None:
            self.next_frame = frame0
            self.start_frame = frame0
        if frame0 + len(block) <= self.next_frame:
            return
        if frame0 < self.next_frame:
            block = block[self.next_frame - frame0:]
            frame0 = self.next_frame
        if frame0 > self.next_frame:
            gap = frame0 - self.next_frame
            self.gaps_frames += gap
            self._file.write(np.zeros((gap, self.channels), np.float32))
            self.frames_written += gap
        data = block[:, :self.channels] if block.shape[1] >= self.channels else np.repeat(block, self.channels, 1)
        self._file.write(data)
        self.frames_written += len(block)
        self.next_frame = frame0 + len(block)

    def _flush(self) -> None:
        self._file.flush()  # libsndfile: encoder output to the OS, then fsync
        if self._is_flac:
            if not self._flac_block and self.frames_written:
                self._flac_block = _flac_block_size(self.path)
            durable = max(0, self.frames_written - 1) // max(1, self._flac_block) * self._flac_block
            if durable != self.frames_durable:
                _patch_flac_total(self._fd, durable)
            self.frames_durable = durable
        else:
            self.frames_durable = self.frames_written
        now = time.monotonic()
        self.max_flush_gap_s = max(self.max_flush_gap_s, now - self.last_flush)
        self.last_flush = now
        self.flushes += 1

    # -- ending -----------------------------------------------------------------------------
    def close(self) -> None:
        """Write what is queued, finish the file (a FLAC gets its true header)."""
        with self._cv:
            if self._closing:
                return
            self._closing = True
            self._cv.notify()
        self._thread.join(timeout=10)
        try:
            self._file.close()
        finally:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    @property
    def seconds(self) -> float:
        return self.frames_written / self.sr

    def describe(self) -> str:
        extra = ""
        if self.gaps_frames or self.dropped_frames:
            extra = f", {self.gaps_frames + self.dropped_frames} frames lost (filled with silence)"
        return f"{self.path}: {self.seconds:.1f} s{extra}"


def _flac_block_size(path: Path) -> int:
    """The encoder's block size from the STREAMINFO just written (min = max for libFLAC)."""
    with open(path, "rb") as f:
        head = f.read(12)
    if head[:4] != b"fLaC" or len(head) < 12:
        return 4096
    return max(16, int.from_bytes(head[10:12], "big"))


def _patch_flac_total(fd: int, total: int) -> None:
    """Write `total` into STREAMINFO's 36-bit sample count (bytes 18..26 hold sample rate,
    channels, bits per sample and the count), then fsync."""
    raw = int.from_bytes(os.pread(fd, 8, 18), "big")
    mask = (1 << 36) - 1
    raw = (raw & ~mask) | (int(total) & mask)
    os.pwrite(fd, raw.to_bytes(8, "big"), 18)
    os.fsync(fd)
