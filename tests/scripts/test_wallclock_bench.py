"""The wall-clock benchmark: its arithmetic on known lines, and a real run of `--realtime`."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest
from support import DATA, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bench_stream  # noqa: E402
import listen_with  # noqa: E402
import wallclock  # noqa: E402


def line(kind: str, t: float, wall: float, words=()) -> dict:
    return {"type": kind, "t": t, "wall": wall,
            "words": [{"text": text, "start": end - 0.3, "end": end} for text, end in words]}


def test_latency_lag_and_first_words_are_read_off_arrival_times():
    stream = wallclock.Stream(np.zeros(16_000 * 10, dtype=np.float32), onsets=[1.0, 6.0], references=["a b", "c"])
    origin = 100.0  # our clock when the session's audio began; the pipe adds 0.01 s
    lines = [
        (origin + 1.7 + 0.01, line("partial", 1.6, 1.7, [("a", 1.4)])),
        (origin + 3.1 + 0.01, line("commit", 2.4, 3.1, [("a", 1.4), ("b", 1.9)])),
        (origin + 6.9 + 0.05, line("partial", 6.5, 6.9, [("c", 6.4)])),
        (origin + 8.2 + 0.01, line("status", 7.0, 8.2)),
        (origin + 8.3 + 0.01, line("commit", 7.5, 8.3, [("c", 6.9)])),
    ]
    lines[3][1]["code"] = "too_slow"
    run = wallclock.WallRun("idle", stream.seconds)
    wallclock._score(run, lines, stream)
    assert run.text == "a b c"
    assert run.commit_latency == pytest.approx([3.11 - 1.4, 3.11 - 1.9, 8.31 - 6.9], abs=0.02)
    assert run.first_partial == pytest.approx([0.71, 0.95], abs=0.02)
    assert run.max_lag == pytest.approx(1.2)
    assert run.statuses == ["too_slow"]


def test_a_stream_joins_clips_with_pauses_and_knows_each_onset():
    clip = np.concatenate([np.zeros(8000, dtype=np.float32), np.ones(16_000, dtype=np.float32)])
    stream = wallclock.build_stream([(clip, "x"), (clip, "y")], onset_of=lambda s: 8000.0)
    assert stream.onsets == pytest.approx([1.5, 1.0 + 1.5 + wallclock.PAUSE + 0.5])
    assert stream.references == ["x", "y"]
    long = wallclock.build_stream([(clip, "x")], onset_of=lambda s: 0.0, minutes=0.5)
    assert 30 <= long.seconds < 30 + 1.5 + wallclock.PAUSE


class _Decoder:
    def decode_chunk(self, audio, language, prompt, *, hotwords=None, beam_size=5):
        return []


def test_other_live_settings_reach_the_streamer_that_listen_builds():
    make = listen_with.patched({"agreement": 80, "update_interval": 0.6, "beam_size": 1})
    streamer = make(_Decoder(), "da", vad=lambda samples: np.zeros(len(samples) // 512))
    assert streamer.config.agreement == 80 and streamer.config.update_interval == 0.6
    assert streamer.config.end_silence == listen_with.StreamSettings().end_silence  # the rest as dictate has it
    with pytest.raises(SystemExit, match="agremeent"):
        listen_with.patched({"agremeent": 80})


def test_a_variant_names_its_settings():
    assert bench_stream.parse_variant("fast:update_interval=0.6,agreement=80") == (
        "fast", {"update_interval": 0.6, "agreement": 80.0})
    for bad in ("fast", "fast:", ":agreement=80", "fast:agreement"):
        with pytest.raises(SystemExit):
            bench_stream.parse_variant(bad)


@pytest.mark.model
@pytest.mark.timing
def test_the_realtime_benchmark_runs_the_real_listen_and_reports_each_figure(tmp_path):
    (tmp_path / "da").mkdir()
    shutil.copy(DATA / "nst_danspeech_u0042008.wav", tmp_path / "da" / "a.wav")
    shutil.copy(DATA / "nst_danspeech_u0042008.txt", tmp_path / "da" / "a.txt")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_stream.py"), str(tmp_path), "--realtime",
                           "--minutes", "0", "--languages", "da", "--variant", "slow:update_interval=2.5"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    # The variant ran through the same `dictate listen`, right after the stream as is.
    variant = next(text.split() for text in lines if text.startswith("da+slow"))
    assert variant[-2] == "0" and int(variant[-3]) >= 5, variant  # exit code, words
    header = next(i for i, text in enumerate(lines) if text.startswith("stream"))
    row = dict(zip(lines[header].replace("commit p50", "commit_p50").replace("first p50", "first_p50")
                   .replace("max lag", "max_lag").replace("audio s", "audio_s").replace("RSS MB", "rss")
                   .replace("WER live", "wer_live").replace("WER off", "wer_off").split(),
                   lines[header + 1].split()))
    assert row["stream"] == "da" and row["exit"] == "0"
    # Plausible figures, whatever the backend's speed (this is the benchmark's test, not a target).
    assert 0 < float(row["commit_p50"]) < 20 and 0 < float(row["first_p50"]) < 15
    assert 0 <= float(row["max_lag"]) < 20 and 100 < float(row["rss"]) < 1000
    assert int(row["words"]) >= 5 and 0 <= float(row["wer_live"]) < 1
    # Strict and with numbers normalised: the same here, where the clip says no number.
    assert float(row["nwer_live"]) == float(row["wer_live"]) and float(row["nwer_off"]) == float(row["wer_off"])
    assert "numbers normalised" in proc.stdout


@pytest.mark.model
def test_the_long_recording_benchmark_reports_peak_memory_and_what_reached_the_note(tmp_path):
    (tmp_path / "en").mkdir()
    shutil.copy(DATA / "en_soap.wav", tmp_path / "en" / "a.wav")
    (tmp_path / "en" / "a.txt").write_text("The resident says she feels dizzy in the mornings.")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_transcribe.py"), str(tmp_path),
                           "--long", "0.2"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    row = next(line.split() for line in proc.stdout.splitlines() if line.strip().startswith("0.2"))
    placed, heard, rss = int(row[1]), row[2], float(row[3])
    assert placed == 3 and heard == "1/1"  # 12 minutes, a clip every 5, all of them in the note
    assert 100 < rss < 1000
