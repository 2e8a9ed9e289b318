"""Shared by the benchmarks: reading an eval folder or manifest, scoring, replaying live."""

from __future__ import annotations

import csv
import os
import platform
import re
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dictate.audio import SAMPLE_RATE

AUDIO = (".wav", ".flac", ".mp3", ".ogg", ".m4a")


@dataclass(frozen=True)
class Clip:
    language: str
    audio: Path
    reference: str


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def load_clips(source: Path) -> list[Clip]:
    """A MANIFEST.tsv (columns lang, file) or a folder of LANG/NAME.{wav,...} + NAME.txt."""
    if source.is_file():
        rows = csv.DictReader(source.open(encoding="utf-8"), delimiter="\t")
        clips = []
        for row in rows:
            audio = source.parent / row["file"]
            clips.append(Clip(row["lang"], audio, audio.with_suffix(".txt").read_text(encoding="utf-8")))
        return clips
    if (source / "MANIFEST.tsv").is_file():
        return load_clips(source / "MANIFEST.tsv")
    return [Clip(p.parent.name, p, p.with_suffix(".txt").read_text(encoding="utf-8"))
            for p in sorted(source.rglob("*")) if p.suffix.lower() in AUDIO and p.with_suffix(".txt").is_file()]


def wer_cer(references: list[str], hypotheses: list[str]) -> tuple[float, float]:
    import jiwer

    refs = [normalise(r) for r in references]
    hyps = [normalise(h) for h in hypotheses]
    return jiwer.wer(refs, hyps), jiwer.cer(refs, hyps)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"faster-whisper {installed('faster-whisper')}, ctranslate2 {installed('ctranslate2')}")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Replay:
    """The outcome of replaying audio through a streamer on a simulated clock."""

    words: list = field(default_factory=list)          # committed Words
    commit_latency: list[float] = field(default_factory=list)
    #: per utterance: from the detected speech onset to the first words shown
    first_partial_latency: list[float] = field(default_factory=list)
    decode_log: list[tuple[float, float, float]] = field(default_factory=list)  # (clock, audio s, seconds)
    cpu_seconds: float = 0.0
    audio_seconds: float = 0.0


def replay(samples: np.ndarray, make_streamer, block: float = 0.1) -> Replay:
    """Feed audio as if live. The clock waits for audio to arrive and is charged the real
    time each feed takes, like a single-threaded live loop on this machine."""
    from dictate.speech.streamer import Commit

    out = Replay(audio_seconds=len(samples) / SAMPLE_RATE)
    clock = [0.0]

    def timed(transcribe):
        def run(audio, prompt, final=False):
            began = time.perf_counter()
            result = transcribe(audio, prompt, final=final)
            out.decode_log.append((clock[0], len(audio) / SAMPLE_RATE, time.perf_counter() - began))
            return result
        return run

    streamer = make_streamer(timed)
    step = int(block * SAMPLE_RATE)
    cpu0 = time.process_time()
    waiting_onset: list[float | None] = [None]
    last_onset: list[float | None] = [None]

    def collect(events):
        onset = streamer.utterance_onset
        if onset is not None and onset != last_onset[0]:
            last_onset[0] = waiting_onset[0] = onset
        for event in events:
            if event.words and waiting_onset[0] is not None:
                out.first_partial_latency.append(clock[0] - waiting_onset[0])
                waiting_onset[0] = None
            if isinstance(event, Commit):
                for word in event.words:
                    out.words.append(word)
                    out.commit_latency.append(clock[0] - word.end)

    for i in range(0, len(samples), step):
        block_audio = samples[i:i + step]
        clock[0] = max(clock[0], (i + len(block_audio)) / SAMPLE_RATE)
        began = time.perf_counter()
        events = streamer.feed(block_audio)
        clock[0] += time.perf_counter() - began
        collect(events)
    began = time.perf_counter()
    events = streamer.finish()
    clock[0] += time.perf_counter() - began
    collect(events)
    out.cpu_seconds = time.process_time() - cpu0
    return out
