"""Audio is stored only with --keep-audio: beside the drafts, 0600, purged with them."""

from __future__ import annotations

import os
import stat
import time
import wave

import numpy as np
import pytest
from support import DATA, run_cli

from dictate.audio.decode import load_audio
from dictate.audio.recorder import AudioRecorder, audio_folder
from dictate.notes.drafts import DraftStore
from dictate.runtime.engine import Engine
from dictate.speech.fake import FakeWhisper, fake_vad, speak
from dictate.speech.streamer import Streamer

pytestmark = pytest.mark.timing


def read_wav(path) -> np.ndarray:  # noqa: ANN001
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16_000)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32767.0


def test_the_recording_is_private_and_plays_after_every_block_even_before_close(tmp_path):
    rng = np.random.default_rng(3)
    blocks = [rng.uniform(-0.5, 0.5, 1600).astype(np.float32) for _ in range(5)]
    recorder = AudioRecorder.for_session(tmp_path, "note-1")
    assert recorder.path == audio_folder(tmp_path) / "note-1.wav"
    for count, block in enumerate(blocks, start=1):
        recorder.write(block)
        # As a crash would leave it: the header already counts every block written.
        assert len(read_wav(recorder.path)) == 1600 * count
    recorder.close()
    assert stat.S_IMODE(recorder.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(recorder.path.parent.stat().st_mode) == 0o700
    np.testing.assert_allclose(read_wav(recorder.path), np.concatenate(blocks), atol=1 / 32767 + 1e-6)
    assert recorder.seconds == 0.5


def test_an_existing_recording_is_never_overwritten(tmp_path):
    AudioRecorder.for_session(tmp_path, "same").close()
    try:
        AudioRecorder.for_session(tmp_path, "same")
    except Exception as exc:  # noqa: BLE001
        assert "cannot keep the audio" in str(exc) and "same.wav" in str(exc)
    else:
        raise AssertionError("a second recording replaced the first")


def test_a_full_disk_stops_the_recording_with_a_warning_not_the_dictation(tmp_path, caplog):
    recorder = AudioRecorder.for_session(tmp_path, "full")
    recorder.write(np.zeros(1600, dtype=np.float32))

    def disk_full(data):  # noqa: ANN001
        raise OSError(28, "No space left on device")

    recorder._file.write = disk_full  # the next block hits a full disk
    recorder.write(np.zeros(1600, dtype=np.float32))  # no exception
    recorder.write(np.zeros(1600, dtype=np.float32))  # ignored from now on
    assert "cannot keep more audio" in caplog.text and "No space left" in caplog.text
    assert recorder.seconds == 0.1


def test_kept_audio_is_purged_with_the_drafts(tmp_path, monkeypatch):
    store = DraftStore(tmp_path)
    old = AudioRecorder.for_session(tmp_path, "old")
    old.close()
    new = AudioRecorder.for_session(tmp_path, "new")
    new.close()
    month_ago = time.time() - 30 * 86_400
    os.utime(old.path, (month_ago, month_ago))
    assert store.purge() == 1
    assert not old.path.exists() and new.path.exists()


def test_the_app_engine_keeps_exactly_the_audio_it_transcribes(tmp_path):
    vocabulary = ["sår", "heler", "fint"]
    audio, _ = speak([["sår", "heler", "fint"]], vocabulary)

    class Source:
        description = {"kind": "file"}

        def frames(self):  # noqa: ANN202
            for i in range(0, len(audio), 1600):
                yield audio[i:i + 1600]

    recorder = AudioRecorder.for_session(tmp_path, None)
    engine = Engine(Source(), Streamer(transcribe=FakeWhisper(vocabulary), vad=fake_vad), live_source=False,
                    recorder=recorder)
    engine.run(lambda message: None)
    assert recorder._wav is None  # closed when the engine stopped
    np.testing.assert_allclose(read_wav(recorder.path), audio, atol=1 / 32767 + 1e-6)
    assert recorder.path.name.startswith("session-")


@pytest.mark.model
def test_listen_keeps_audio_only_when_asked(tmp_path):
    drafts = tmp_path / "drafts"
    env = {"DICTATE_DRAFTS_DIR": str(drafts)}
    plain = run_cli("listen", "--input", str(DATA / "en_marker.wav"), "--language", "en", "--format", "text",
                    env=env)
    assert plain.returncode == 0, plain.stderr
    assert not audio_folder(drafts).exists()

    kept = run_cli("listen", "--input", str(DATA / "en_marker.wav"), "--language", "en", "--format", "text",
                   "--keep-audio", env=env)
    assert kept.returncode == 0, kept.stderr
    files = list(audio_folder(drafts).glob("*.wav"))
    assert len(files) == 1 and "audio kept: " in kept.stderr and str(files[0]) in kept.stderr
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    original = load_audio(DATA / "en_marker.wav").samples
    np.testing.assert_allclose(read_wav(files[0]), original, atol=2 / 32767)
    assert list(drafts.glob("*.jsonl")) == []  # the note was written: its draft is gone, the audio stays
    assert "kalamazoo" in kept.stdout.casefold() and "kalamazoo" not in kept.stderr.casefold()
