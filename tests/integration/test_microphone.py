"""The microphone path for real: sounddevice -> PortAudio -> ALSA, with no sound card.

ALSA's `file` plugin serves capture from a raw PCM file (see the shared recipe
alsa-file-mic.md), so `dictate listen` records a known dictation through the
whole real stack. PortAudio reads the ALSA configuration when sounddevice is
imported, so each test runs dictate in a subprocess with HOME pointing at a
folder holding the .asoundrc. `.ci/run` installs libportaudio2: these tests
run on CI, they do not skip.
"""

from __future__ import annotations

import json
import sys
import threading
import types
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml
from support import DATA, recall, run_cli

from dictate.audio.decode import load_audio
from dictate.exit_codes import ExitCode

pytestmark = pytest.mark.timing

ASOUNDRC = """pcm.!default {{
  type asym
  playback.pcm "null"
  capture.pcm "filecap"
}}
pcm.filecap {{
  type file
  slave.pcm "nullcap"
  file "/dev/null"
  infile "{raw}"
  format "raw"
}}
pcm.nullcap {{
  type null
}}
"""


def alsa_home(tmp_path: Path, fixture: Path) -> dict[str, str]:
    samples = load_audio(fixture).samples
    raw = tmp_path / "capture.raw"
    # Exactly the 16-bit samples of the file, so the microphone hears what --input reads.
    np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2").tofile(raw)
    (tmp_path / ".asoundrc").write_text(ASOUNDRC.format(raw=raw))
    return {"HOME": str(tmp_path), "DICTATE_CACHE_DIR": str(_cache_dir())}


def _cache_dir() -> Path:
    from dictate.paths import cache_dir

    return cache_dir()


def test_devices_lists_the_alsa_inputs(tmp_path):
    result = run_cli("devices", env=alsa_home(tmp_path, DATA / "en_live.wav"))
    assert result.returncode == 0, result.stderr
    assert "filecap" in result.stdout and "* " in result.stdout  # the default is marked


@pytest.mark.model
def test_live_dictation_from_the_microphone(tmp_path):
    """The en_live dictation, captured through PortAudio and ALSA, ends itself with "end note"."""
    result = run_cli("listen", "-l", "en", env=alsa_home(tmp_path, DATA / "en_live.wav"), timeout=600)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[0]["source"]["kind"] == "microphone"
    assert events[0]["source"]["samplerate"] == 16_000
    assert events[-1]["reason"] == "end_note"
    committed = " ".join(e["text"] for e in events if e["type"] == "commit")
    script = yaml.safe_load((DATA / "dictations.yaml").read_text())
    spoken = next(d for d in script if d["id"] == "en_live")["text"].split("End note")[0]
    spoken = spoken.replace('<break time="1200ms"/>', "").replace('<break time="1000ms"/>', "")
    assert recall(spoken, committed, {"heading", "period", "comma"}) >= 0.8
    note = events[-2]["note"]
    assert [s["key"] for s in note["sections"]] == ["general", "I3", "I9"]
    # ALSA's null device has no clock: it delivers the file at once and then
    # silence, far faster than real time, so the bounded queue overflows. That is
    # counted and reported, and the dictation before it is intact.
    assert any(e["type"] == "status" and e["code"] == "overflow" for e in events)


@pytest.mark.model
def test_the_microphone_hears_what_the_file_holds(tmp_path):
    """Same samples, same blocks: the real capture path gives the note --input gives. (Word for
    word only while the machine keeps up: a loaded machine paces its live updates, which can
    settle a word or two differently; docs/benchmarks.md "Keeping up on a slower CPU".)"""
    mic = run_cli("listen", "-l", "en", env=alsa_home(tmp_path, DATA / "en_live.wav"), timeout=600)
    file = run_cli("listen", "-l", "en", "--input", str(DATA / "en_live.wav"), timeout=600)

    def note(stdout):  # noqa: ANN001, ANN202
        return [e for e in map(json.loads, stdout.splitlines()) if e["type"] == "note"][0]["note"]

    def words(stdout):  # noqa: ANN001, ANN202
        return [w["text"].strip(".,").casefold() for e in map(json.loads, stdout.splitlines())
                if e["type"] == "commit" for w in e["words"]]

    heard, held = words(mic.stdout), words(file.stdout)
    assert held and heard
    assert [s["key"] for s in note(mic.stdout)["sections"]] == [s["key"] for s in note(file.stdout)["sections"]]
    common = sum((Counter(heard) & Counter(held)).values())
    assert common >= 0.85 * len(held) and abs(len(heard) - len(held)) <= 0.15 * len(held)


def test_an_unknown_device_names_the_ones_there_are(tmp_path):
    result = run_cli("listen", "--device", "Jabra Evolve", env=alsa_home(tmp_path, DATA / "en_live.wav"))
    assert result.returncode == ExitCode.DEVICE == 75
    assert "no input device 'Jabra Evolve'" in result.stderr and "filecap" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.model
def test_a_device_by_number(tmp_path):
    env = alsa_home(tmp_path, DATA / "en_live.wav")
    listing = run_cli("devices", env=env).stdout
    number = next(line.split()[0] if not line.startswith("*") else line.split()[1]
                  for line in listing.splitlines() if "filecap" in line)
    result = run_cli("listen", "-l", "en", "--device", number, "--format", "text", env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Nutrition" in result.stdout


def test_missing_portaudio_gives_the_apt_hint(monkeypatch):
    import builtins

    from dictate.audio import microphone

    real_import = builtins.__import__

    def no_portaudio(name, *args, **kwargs):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    with pytest.raises(microphone.PortAudioError) as err:
        microphone.sounddevice()
    assert "apt install libportaudio2" in str(err.value)
    assert err.value.exit_code == ExitCode.DEVICE


class _FakeStream:
    """A PortAudio stream that delivers `blocks` blocks, then goes silent like an unplugged headset."""

    def __init__(self, callback, blocks: int, blocksize: int) -> None:
        self.callback, self.blocks, self.blocksize = callback, blocks, blocksize
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        for _ in range(self.blocks):
            self.callback(np.full((self.blocksize, 1), 1000, dtype=np.int16), self.blocksize, None, None)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def fake_sounddevice(opens: list[int], blocks_per_open: tuple[int, ...] = (5, 3)) -> types.ModuleType:
    """Only for the watchdog's timing logic; the real stack is tested above.

    The n-th opening of the stream delivers blocks_per_open[n] blocks and then
    goes quiet; once the list is used up, the device cannot be opened at all.
    """
    sd = types.ModuleType("sounddevice")
    sd.default = types.SimpleNamespace(device=(0, 0))
    sd.query_devices = lambda: [{"name": "Headset", "max_input_channels": 1, "default_samplerate": 16000.0}]
    sd.check_input_settings = lambda **kwargs: None

    def input_stream(callback, blocksize, **kwargs):
        if len(opens) >= len(blocks_per_open):
            raise RuntimeError("Error opening InputStream: device unavailable")
        opens.append(1)
        return _FakeStream(callback, blocks=blocks_per_open[len(opens) - 1], blocksize=blocksize)

    sd.InputStream = input_stream
    return sd


def test_watchdog_reports_a_lost_device_and_resumes_when_it_returns(monkeypatch):
    from dictate.audio import microphone

    opens: list[int] = []
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice(opens))
    statuses = []
    source = microphone.MicrophoneSource(watchdog_seconds=0.3, retry_seconds=0.05, give_up_seconds=None,
                                         on_status=statuses.append)
    blocks = []
    for block in source.frames():
        blocks.append(block)
        if len(blocks) == 8:
            source.stop()
            break
    assert [s.code for s in statuses][:2] == ["device_lost", "device_back"]
    assert len(opens) >= 2
    assert all(abs(float(b.max()) - 1000 / 32768) < 1e-6 for b in blocks)


def test_watchdog_gives_up_when_told_to(monkeypatch):
    from dictate.audio import microphone

    opens: list[int] = []
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice(opens, blocks_per_open=(2,)))
    statuses = []
    source = microphone.MicrophoneSource(watchdog_seconds=0.2, retry_seconds=0.05, give_up_seconds=0.3,
                                         on_status=statuses.append)
    assert len(list(source.frames())) == 2
    assert [s.code for s in statuses] == ["device_lost", "device_lost"]
    assert statuses[-1].fatal and not statuses[0].fatal


def test_overflow_is_counted_and_reported(monkeypatch):
    """A consumer that falls behind: blocks are dropped and counted, nothing hangs or crashes."""
    import time

    from dictate.audio import microphone

    opens: list[int] = []
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice(opens, blocks_per_open=(6,)))
    statuses = []
    source = microphone.MicrophoneSource(queue_seconds=0.2, watchdog_seconds=0.3, give_up_seconds=0.2,
                                         retry_seconds=0.05, on_status=statuses.append)
    frames = source.frames()
    next(frames)  # opens the stream; the fake pushes 6 blocks into a queue that holds 2
    time.sleep(0.2)
    rest = list(frames)
    assert source.overflows >= 3
    assert any(s.code == "overflow" for s in statuses)
    assert 1 + len(rest) == 6 - source.overflows


def test_a_device_without_16_khz_is_resampled():
    """48 kHz in, 16 kHz out, the same tone, across block boundaries."""
    from dictate.audio.microphone import _Resampler

    resample = _Resampler(48_000)
    t = np.arange(48_000 * 2) / 48_000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = np.concatenate([resample(tone[i:i + 4800]) for i in range(0, len(tone), 4800)])
    assert abs(len(out) - 32_000) < 400
    spectrum = np.abs(np.fft.rfft(out[2000:18000]))
    peak_hz = np.argmax(spectrum) * 16_000 / 16_000
    assert abs(peak_hz - 440) < 5
