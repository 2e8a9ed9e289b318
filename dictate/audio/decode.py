"""Decoding audio files to the 16 kHz mono float32 samples Whisper expects.

PyAV (FFmpeg) does the decoding, as in faster-whisper's `decode_audio`, but
here every failure becomes an AudioError that says what is wrong with which
file, and a truncated recording is caught instead of silently shortened.

Each input is opened once and FFmpeg reads from that handle, sniffing the
format from the bytes: a named pipe, process substitution (`<(cat x.wav)`) and
`-` (stdin) work like files, whatever their name says.
"""

from __future__ import annotations

import io
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.errors import AudioError
from dictate.exit_codes import ExitCode

#: Containers we promise to read; FFmpeg may read more, but these are tested.
SUPPORTED_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".webm")
# WAV writers that stream (arecord to a pipe, some recorders) leave these as the size.
_UNKNOWN_WAV_SIZES = (0, 0xFFFFFFFF, 0x7FFFF000, 0x7FFFFFFF)


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE
    path: Path

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def display_name(name: str | Path) -> str:
    """A file name as it is safe to print on one line: "-" is stdin, control characters escaped."""
    text = str(name)
    if text == "-":
        return "<stdin>"
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _wav_data_mismatch(handle: io.BufferedIOBase, size: int) -> tuple[int, int] | None:
    """(bytes promised, bytes present) when a WAV's data chunk disagrees with the file, else None.

    FFmpeg trusts the header: a recording cut off mid-way would come out shorter with no
    sign, and a header that claims too little would silently cut the audio. Data after the
    chunk that is another RIFF chunk (LIST, id3) is fine. Reads from `handle`'s start and
    leaves it there.
    """
    try:
        handle.seek(0)
        header = handle.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return None
        while True:
            chunk = handle.read(8)
            if len(chunk) < 8:
                return None
            chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if chunk_id == b"data":
                if chunk_size in _UNKNOWN_WAV_SIZES:
                    return None
                start = handle.tell()
                present = size - start
                if present < chunk_size:
                    return chunk_size, present
                end = start + chunk_size + (chunk_size & 1)
                if size - end >= 8:
                    handle.seek(end)
                    following = handle.read(8)
                    next_id, next_size = following[:4], struct.unpack("<I", following[4:])[0]
                    is_chunk = all(32 <= b < 127 for b in next_id) and end + 8 + next_size <= size + 1
                    if not is_chunk:
                        return chunk_size, present
                return None
            handle.seek(chunk_size + (chunk_size & 1), 1)
    except OSError:
        return None
    finally:
        try:
            handle.seek(0)
        except OSError:
            pass


class _Stream(io.RawIOBase):
    """A pipe as FFmpeg should see it: readable, not seekable (a BufferedReader on a pipe
    says it has seek(), and FFmpeg would try it)."""

    def __init__(self, handle: io.BufferedIOBase) -> None:
        self._handle = handle

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._handle.read(size)


def load_audio(path: Path | str) -> DecodedAudio:
    """Decode any supported file (or "-" for stdin) to 16 kHz mono float32, or raise AudioError.

    The whole recording in memory: for short files. Long ones go through `stream_audio`."""
    blocks = [block for block in stream_audio(path)]
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    return DecodedAudio(samples, Path(path))


#: Samples per block that `stream_audio` yields: 30 s, the model's window.
BLOCK = 30 * SAMPLE_RATE


def stream_audio(path: Path | str, block: int = BLOCK) -> Iterator[np.ndarray]:
    """The recording as float32 16 kHz mono blocks of `block` samples (the last shorter),
    decoded as they are needed: memory stays the same for a minute or for eight hours.

    The checks of `load_audio` hold: a truncated or lying WAV header is refused before
    anything is yielded, damage found while decoding raises AudioError then."""
    name = display_name(path)
    path = Path(path)
    if str(path) == "-":
        handle = sys.stdin.buffer
    else:
        if not path.exists():
            raise AudioError(f"{name}: no such file", exit_code=ExitCode.NOINPUT)
        if path.is_dir():
            raise AudioError(f"{name}: is a directory, not an audio file", exit_code=ExitCode.NOINPUT)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise AudioError(f"{name}: cannot open ({exc.strerror})", exit_code=ExitCode.NOINPUT) from None
    try:
        yield from _decode(handle, path, name, block)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _decode(handle: io.BufferedReader, path: Path, name: str, block: int) -> Iterator[np.ndarray]:
    try:
        empty = not handle.peek(1)
    except OSError as exc:
        raise AudioError(f"{name}: cannot read ({exc.strerror})", exit_code=ExitCode.NOINPUT) from None
    if empty:
        return  # a recorder that was started and stopped at once: nothing was said

    seekable = handle.seekable()
    if seekable:
        import os

        mismatch = _wav_data_mismatch(handle, os.fstat(handle.fileno()).st_size)
        if mismatch is not None:
            promised, present = mismatch
            if present < promised:
                raise AudioError(f"{name}: truncated WAV file: the header promises {promised} bytes "
                                 f"of audio but only {max(present, 0)} are there (an interrupted "
                                 "recording or copy?)")
            raise AudioError(f"{name}: damaged WAV header: it says {promised} bytes of audio, but "
                             f"{present} bytes follow it; refused rather than cut short (re-save the "
                             "recording, for example with `sox` or Audacity)")

    import av  # heavy: FFmpeg bindings, imported only when a file is decoded

    try:
        container = av.open(handle if seekable else _Stream(handle), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise _open_error(path, name, exc) from None
    try:
        if not container.streams.audio:
            raise AudioError(f"{name}: contains no audio stream")
        stream = container.streams.audio[0]
        expected = _declared_duration(stream)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        pending: list[np.ndarray] = []
        waiting = 0
        decoded = 0
        try:
            frames = iter(container.decode(stream))
            while True:
                frame = next(frames, None)
                outs = resampler.resample(frame)  # None flushes the resampler at the end
                for out in outs:
                    pcm = out.to_ndarray().reshape(-1)
                    pending.append(pcm)
                    waiting += len(pcm)
                while waiting >= block or (frame is None and waiting):
                    joined = np.concatenate(pending)
                    take = joined[:block]
                    pending = [joined[block:]] if len(joined) > block else []
                    waiting = len(joined) - len(take)
                    decoded += len(take)
                    yield take.astype(np.float32) / 32768.0
                if frame is None:
                    break
        except av.error.FFmpegError as exc:
            seconds = (decoded + waiting) / SAMPLE_RATE
            raise AudioError(f"{name}: damaged audio, decoding stopped after {seconds:.1f} s "
                             f"({_ffmpeg_reason(exc)})") from None
    finally:
        container.close()

    seconds = decoded / SAMPLE_RATE
    if expected is not None and seconds + 0.5 < expected * 0.98:
        raise AudioError(f"{name}: truncated audio: the file declares {expected:.1f} s but only "
                         f"{seconds:.1f} s could be decoded")


def declared_seconds(path: Path | str) -> float | None:
    """How long the file says it is (for a progress bar), without decoding it; None if unknown."""
    if str(path) == "-" or not Path(path).is_file():
        return None
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            return _declared_duration(container.streams.audio[0]) if container.streams.audio else None
    except (av.error.FFmpegError, OSError):
        return None


def _declared_duration(stream) -> float | None:  # noqa: ANN001 - av stream
    if stream.duration is None or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _ffmpeg_reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _open_error(path: Path, name: str, exc: Exception) -> AudioError:
    reason = _ffmpeg_reason(exc)
    if isinstance(exc, PermissionError) or "Permission denied" in reason:
        return AudioError(f"{name}: cannot open (permission denied)", exit_code=ExitCode.NOINPUT)
    supported = " ".join(SUPPORTED_SUFFIXES)
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return AudioError(f"{name}: not a readable {path.suffix.lower()[1:]} file; it may be "
                          f"damaged or not audio at all (FFmpeg: {reason})")
    # The format is found from the bytes, whatever the name; none was recognised.
    return AudioError(f"{name}: unsupported format '{path.suffix or 'no extension'}': its bytes are no "
                      f"audio FFmpeg knows ({reason}); supported: {supported}")
