"""Decoding: the promised formats, and a clear error for each kind of bad file."""

from __future__ import annotations

import numpy as np
import pytest
from support import DATA, encode

from dictate.audio import SAMPLE_RATE
from dictate.audio.decode import load_audio
from dictate.errors import AudioError
from dictate.exit_codes import ExitCode

SOURCE = DATA / "en_dictation.wav"


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return load_audio(SOURCE).samples


def test_wav_decodes_to_16k_mono_float(reference):
    assert reference.dtype == np.float32 and reference.ndim == 1
    assert 15 < len(reference) / SAMPLE_RATE < 30
    assert 0.01 < float(np.abs(reference).max()) <= 1.0


@pytest.mark.parametrize("suffix, codec", [
    (".flac", "flac"), (".mp3", "libmp3lame"), (".ogg", "libopus"), (".m4a", "aac"), (".opus", "libopus"),
])
def test_compressed_formats_decode_to_the_same_audio(tmp_path, reference, suffix, codec):
    path = encode(reference, tmp_path / f"dictation{suffix}", codec, rate=48_000 if "opus" in codec else 44_100)
    decoded = load_audio(path).samples
    # Encoders pad the start and end a little; the length must still agree within 0.1 s.
    assert abs(len(decoded) - len(reference)) < 0.1 * SAMPLE_RATE
    # ... and the same sound: similar loudness (mixing to stereo and back changes the level a bit).
    ratio = np.sqrt(np.mean(decoded ** 2)) / np.sqrt(np.mean(reference ** 2))
    assert 0.6 < ratio < 1.5


def test_missing_file(tmp_path):
    with pytest.raises(AudioError) as err:
        load_audio(tmp_path / "nowhere.wav")
    assert err.value.exit_code == ExitCode.NOINPUT and "no such file" in str(err.value)


def test_a_directory_is_not_audio(tmp_path):
    with pytest.raises(AudioError, match="is a directory") as err:
        load_audio(tmp_path)
    assert err.value.exit_code == ExitCode.NOINPUT


def test_random_bytes(tmp_path):
    path = tmp_path / "random.wav"
    path.write_bytes(np.random.default_rng(1).bytes(20_000))
    with pytest.raises(AudioError) as err:
        load_audio(path)
    assert err.value.exit_code == ExitCode.DATAERR
    assert str(path) in str(err.value) and "damaged or not audio" in str(err.value)


def test_truncated_wav(tmp_path):
    path = tmp_path / "cut.wav"
    path.write_bytes(SOURCE.read_bytes()[:100_000])
    with pytest.raises(AudioError, match="truncated WAV") as err:
        load_audio(path)
    assert err.value.exit_code == ExitCode.DATAERR


def test_truncated_flac(tmp_path, reference):
    full = encode(reference, tmp_path / "full.flac", "flac")
    cut = tmp_path / "cut.flac"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 3])
    with pytest.raises(AudioError, match="truncated audio|damaged audio") as err:
        load_audio(cut)
    assert err.value.exit_code == ExitCode.DATAERR


def test_wav_header_only_cut_inside_the_header(tmp_path):
    path = tmp_path / "header.wav"
    path.write_bytes(SOURCE.read_bytes()[:30])
    with pytest.raises(AudioError):
        load_audio(path)


def test_streamed_wav_with_unknown_length_is_accepted(tmp_path):
    """arecord writing to a pipe leaves the size fields at their maximum."""
    data = bytearray(SOURCE.read_bytes())
    data[4:8] = (0xFFFFFFFF).to_bytes(4, "little")
    data[40:44] = (0xFFFFFFFF).to_bytes(4, "little")
    path = tmp_path / "streamed.wav"
    path.write_bytes(bytes(data))
    assert len(load_audio(path).samples) > 10 * SAMPLE_RATE


def test_unsupported_format(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Borgeren har det godt.\n")
    with pytest.raises(AudioError, match="unsupported format '.txt'") as err:
        load_audio(path)
    assert err.value.exit_code == ExitCode.DATAERR


def test_an_image_is_not_audio(tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))
    path = tmp_path / "photo.png"
    path.write_bytes(png)
    with pytest.raises(AudioError) as err:
        load_audio(path)
    assert err.value.exit_code == ExitCode.DATAERR
    assert "no audio stream" in str(err.value) or "unsupported format" in str(err.value)


def test_empty_file_is_an_empty_recording(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    assert load_audio(path).samples.size == 0


def test_wav_with_no_samples(tmp_path):
    import wave

    path = tmp_path / "nothing.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
    assert load_audio(path).samples.size == 0
