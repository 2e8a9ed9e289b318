"""Decoding audio files to the 16 kHz mono float32 samples Whisper expects.

PyAV (FFmpeg) does the decoding, as in faster-whisper's `decode_audio`, but
here every failure becomes an AudioError that says what is wrong with which
file, and a truncated recording is caught instead of silently shortened.
"""

from __future__ import annotations

import struct
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


def _wav_shortfall(path: Path) -> tuple[int, int] | None:
    """(bytes promised, bytes present) for the data chunk of a truncated WAV, else None.

    FFmpeg sizes a WAV by the file length, so it cannot notice a recording that
    was cut off; the RIFF header still says how long it should have been.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
            if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
                return None
            size = path.stat().st_size
            while True:
                chunk = handle.read(8)
                if len(chunk) < 8:
                    return None
                chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if chunk_id == b"data":
                    if chunk_size in _UNKNOWN_WAV_SIZES:
                        return None
                    present = size - handle.tell()
                    return (chunk_size, present) if present < chunk_size else None
                handle.seek(chunk_size + (chunk_size & 1), 1)
    except OSError:
        return None


def load_audio(path: Path | str) -> DecodedAudio:
    """Decode any supported file to 16 kHz mono float32, or raise AudioError."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file", exit_code=ExitCode.NOINPUT)
    if path.is_dir():
        raise AudioError(f"{path}: is a directory, not an audio file", exit_code=ExitCode.NOINPUT)
    try:
        with path.open("rb") as handle:
            empty = not handle.read(1)
    except OSError as exc:
        raise AudioError(f"{path}: cannot open ({exc.strerror})", exit_code=ExitCode.NOINPUT) from None
    if empty:
        # A recorder that was started and stopped at once: nothing was said.
        return DecodedAudio(np.zeros(0, dtype=np.float32), path)

    shortfall = _wav_shortfall(path)
    if shortfall is not None:
        promised, present = shortfall
        raise AudioError(f"{path}: truncated WAV file: the header promises {promised} bytes "
                         f"of audio but only {max(present, 0)} are there (an interrupted "
                         "recording or copy?)")

    import av  # heavy: FFmpeg bindings, imported only when a file is decoded

    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise _open_error(path, exc) from None
    try:
        if not container.streams.audio:
            raise AudioError(f"{path}: contains no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError as exc:
            decoded = sum(len(c) for c in chunks) / SAMPLE_RATE
            raise AudioError(f"{path}: damaged audio, decoding stopped after {decoded:.1f} s "
                             f"({_ffmpeg_reason(exc)})") from None
        expected = _declared_duration(stream)
    finally:
        container.close()

    pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    samples = pcm.astype(np.float32) / 32768.0
    decoded = len(samples) / SAMPLE_RATE
    if expected is not None and decoded + 0.5 < expected * 0.98:
        raise AudioError(f"{path}: truncated audio: the file declares {expected:.1f} s but only "
                         f"{decoded:.1f} s could be decoded")
    return DecodedAudio(samples, path)


def _declared_duration(stream) -> float | None:  # noqa: ANN001 - av stream
    if stream.duration is None or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _ffmpeg_reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _open_error(path: Path, exc: Exception) -> AudioError:
    reason = _ffmpeg_reason(exc)
    if isinstance(exc, PermissionError) or "Permission denied" in reason:
        return AudioError(f"{path}: cannot open (permission denied)", exit_code=ExitCode.NOINPUT)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        supported = " ".join(SUPPORTED_SUFFIXES)
        return AudioError(f"{path}: unsupported format '{path.suffix or 'no extension'}' "
                          f"(FFmpeg: {reason}); supported: {supported}")
    return AudioError(f"{path}: not a readable {path.suffix.lower()[1:]} file; it may be "
                      f"damaged or not audio at all (FFmpeg: {reason})")
