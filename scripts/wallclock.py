"""Live dictation measured on the wall clock, as the nurse meets it.

The real `dictate listen --input FILE --realtime --format jsonl` runs as a
subprocess; every line it prints is time-stamped on arrival. A word's latency
is its arrival minus the moment its end was spoken (the session's audio start
on this clock plus the word's end in the audio). Used by
`scripts/bench_stream.py --realtime`.

Conditions, as a nurse's tablet may be:
- idle: nothing else runs;
- busy: another process keeps one core busy the whole time;
- one-core: the session is limited to one CPU (`taskset -c 0`);
- shared-core: limited to one CPU that a busy process shares with it, which about
  halves what the session gets: a slow, loaded tablet, where the pacing must act.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from dictate.audio import SAMPLE_RATE

CONDITIONS = ("idle", "busy", "one-core", "shared-core")
#: Between two clips of a stream, as between two sentences of a dictation.
PAUSE = 1.5


@dataclass(frozen=True)
class Stream:
    """Clips joined with pauses into one recording, and where each clip's speech begins."""

    samples: np.ndarray
    #: stream time (s) of each clip's detected speech onset
    onsets: list[float]
    references: list[str]

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


@dataclass
class WallRun:
    """What one real-time session did, on the wall clock."""

    condition: str
    audio_seconds: float
    commit_latency: list[float] = field(default_factory=list)
    first_partial: list[float] = field(default_factory=list)
    #: the largest `wall - t` of any event: how far the session was behind the speaker
    max_lag: float = 0.0
    #: from the end of the audio to the last commit's arrival
    tail: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    text: str = ""
    statuses: list[str] = field(default_factory=list)
    exit_code: int = 0

    @property
    def cpu_per_audio_second(self) -> float:
        return self.cpu_seconds / self.audio_seconds


def build_stream(clips: list[tuple[np.ndarray, str]], onset_of, minutes: float = 0.0) -> Stream:
    """The clips in order with `PAUSE` between them (repeated to `minutes` when given)."""
    pause = np.zeros(int(PAUSE * SAMPLE_RATE), dtype=np.float32)
    pieces = [np.zeros(SAMPLE_RATE, dtype=np.float32)]
    total = len(pieces[0])
    onsets, references = [], []
    while True:
        for samples, reference in clips:
            onsets.append((total + onset_of(samples)) / SAMPLE_RATE)
            references.append(reference)
            pieces += [samples, pause]
            total += len(samples) + len(pause)
            if minutes and total >= minutes * 60 * SAMPLE_RATE:
                return Stream(np.concatenate(pieces), onsets, references)
        if not minutes:
            return Stream(np.concatenate(pieces), onsets, references)


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


@contextmanager
def condition(name: str) -> Iterator[list[str]]:
    """The command prefix for a condition; a busy core is kept busy while the block runs."""
    if name not in CONDITIONS:
        raise ValueError(f"unknown condition {name!r}; one of {', '.join(CONDITIONS)}")
    busy = None
    pinned = ["taskset", "-c", "0"]
    if name in ("busy", "shared-core"):
        busy = subprocess.Popen([*(pinned if name == "shared-core" else []), sys.executable, "-c", "while True: pass"])
    try:
        yield pinned if name in ("one-core", "shared-core") else []
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()


def run_listen(stream: Stream, language: str, condition_name: str, *, model: str = "base",
               extra: list[str] | None = None, env: dict[str, str] | None = None,
               settings: dict[str, float] | None = None) -> WallRun:
    """Replay `stream` through the real `dictate listen --realtime` under a condition.

    `settings` (live settings other than dictate's, e.g. {"update_interval": 0.6})
    go in through `listen_with.py`, the same `dictate listen` otherwise.
    """
    run = WallRun(condition_name, stream.seconds)
    with tempfile.TemporaryDirectory(prefix="dictate-wall-") as tmp:
        wav = Path(tmp) / "stream.wav"
        write_wav(wav, stream.samples)
        env = {**os.environ, "DICTATE_DRAFTS_DIR": str(Path(tmp) / "drafts"), "HF_HUB_OFFLINE": "1", **(env or {})}
        with condition(condition_name) as prefix:
            launcher = ([str(Path(__file__).with_name("listen_with.py")), json.dumps(settings)] if settings
                        else ["-m", "dictate"])
            command = [*prefix, sys.executable, *launcher, "listen", "--input", str(wav), "--realtime",
                       "--format", "jsonl", "--language", language, "--model", model, *(extra or [])]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       env=env, text=True, encoding="utf-8")
            lines: list[tuple[float, dict]] = []
            assert process.stdout is not None
            for line in process.stdout:
                lines.append((time.monotonic(), json.loads(line)))
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
    run.exit_code = process.returncode
    run.cpu_seconds = usage.ru_utime + usage.ru_stime
    run.peak_rss_mb = usage.ru_maxrss / 1024
    _score(run, lines, stream)
    return run


def _score(run: WallRun, lines: list[tuple[float, dict]], stream: Stream) -> None:
    timed = [(arrival, event) for arrival, event in lines if "wall" in event]
    if not timed:
        return
    # The session's audio start on our clock; the smallest difference has the least pipe delay.
    origin = min(arrival - event["wall"] for arrival, event in timed)
    words = []
    onsets = list(stream.onsets)
    last_commit = origin
    for arrival, event in timed:
        run.max_lag = max(run.max_lag, event["wall"] - event["t"])
        if event["type"] == "status":
            run.statuses.append(event["code"])
        if event["type"] not in ("partial", "commit") or not event["words"]:
            continue
        # The first words shown after a clip's speech began.
        while onsets and event["t"] >= onsets[0]:
            onset = onsets.pop(0)
            if not onsets or event["t"] < onsets[0]:
                run.first_partial.append(arrival - (origin + onset))
        if event["type"] == "commit":
            last_commit = arrival
            for word in event["words"]:
                words.append(word["text"])
                run.commit_latency.append(arrival - (origin + word["end"]))
    run.tail = max(0.0, last_commit - (origin + stream.seconds))
    run.text = " ".join(words)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")
