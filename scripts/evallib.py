"""Shared by the benchmarks: reading an eval folder or manifest, scoring, replaying live."""

from __future__ import annotations

import csv
import os
import platform
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numnorm import normalise, normalise_numbers

from dictate.audio import SAMPLE_RATE

AUDIO = (".wav", ".flac", ".mp3", ".ogg", ".m4a")


@dataclass(frozen=True)
class Clip:
    language: str
    audio: Path
    reference: str


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


@dataclass(frozen=True)
class Scores:
    """WER and CER strict (the shared eval's rule) and with numbers normalised (numnorm.py):
    the second counts "24" for "fireogtyve" as right, the first as wrong."""

    wer: float
    cer: float
    wer_numbers: float
    cer_numbers: float


#: What the benchmarks print under the tables, so a reader knows the two WERs apart.
SCORES_LEGEND = ("WER/CER: strict (lower-case, no punctuation); nWER/nCER: numbers normalised, digits and "
                 "spelled-out numbers count as the same word (scripts/numnorm.py)")


def score(references: list[str], hypotheses: list[str], language: str) -> Scores:
    import jiwer

    strict = ([normalise(r) for r in references], [normalise(h) for h in hypotheses])
    numbers = ([normalise_numbers(r, language) for r in references],
               [normalise_numbers(h, language) for h in hypotheses])
    return Scores(jiwer.wer(*strict), jiwer.cer(*strict), jiwer.wer(*numbers), jiwer.cer(*numbers))


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


def backend() -> dict[str, str]:
    """What makes CTranslate2's numbers differ between machines: its settings and the CPU."""
    cpu = machine().split(",")[0]
    return {"CT2_USE_MKL": os.environ.get("CT2_USE_MKL", ""),
            "CT2_FORCE_CPU_ISA": os.environ.get("CT2_FORCE_CPU_ISA", ""),
            "cpu": cpu or platform.processor(), "machine": machine()}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Replay:
    """The outcome of replaying audio through a streamer on a simulated clock."""

    words: list = field(default_factory=list)          # committed Words
    #: the Commit events in order: `end_of_utterance` says where the note builder's utterances end
    commits: list = field(default_factory=list)
    commit_latency: list[float] = field(default_factory=list)
    #: per utterance: from the detected speech onset to the first words shown
    first_partial_latency: list[float] = field(default_factory=list)
    decode_log: list[tuple[float, float, float]] = field(default_factory=list)  # (clock, audio s, seconds)
    cpu_seconds: float = 0.0
    audio_seconds: float = 0.0


    @property
    def utterances(self) -> list:
        """The committed words grouped as the note builder groups them: one Utterance per
        utterance end (what is left at the end of the stream is the last one)."""
        from dictate.words import Utterance

        utterances, pending = [], []
        for commit in self.commits:
            pending += commit.words
            if commit.end_of_utterance and pending:
                utterances.append(Utterance(tuple(pending)))
                pending = []
        if pending:
            utterances.append(Utterance(tuple(pending)))
        return utterances


def utterances_to_json(utterances) -> list:  # noqa: ANN001 - Utterances
    """Utterances as lists of [word, start s, end s, probability], for recordings that
    let an interpreter be scored again without the model."""
    return [[[w.text, round(w.start, 3), round(w.end, 3), round(w.probability, 3)] for w in u.words]
            for u in utterances]


def utterances_from_json(rows: list) -> list:
    from dictate.words import Utterance, Word

    return [Utterance(tuple(Word(t, s, e, p) for t, s, e, p in words)) for words in rows]


def replay(samples: np.ndarray, make_streamer, block: float = 0.1) -> Replay:
    """Feed audio as if live, through the engine loop `dictate listen` uses. The clock waits
    for audio to arrive and is charged the real time each block takes, like the live loop
    on this machine."""
    from dictate.runtime.engine import Engine, Events
    from dictate.speech.streamer import Commit

    out = Replay(audio_seconds=len(samples) / SAMPLE_RATE)
    clock = {"at": 0.0, "began": time.perf_counter()}

    def now() -> float:
        return clock["at"] + time.perf_counter() - clock["began"]

    def timed(transcribe):
        def run(audio, prompt, final=False):
            began = time.perf_counter()
            result = transcribe(audio, prompt, final=final)
            out.decode_log.append((now(), len(audio) / SAMPLE_RATE, time.perf_counter() - began))
            return result
        return run

    streamer = make_streamer(timed)
    streamer.clock = now  # its decode costs and lag on the same simulated clock
    step = int(block * SAMPLE_RATE)

    class Audio:
        """The recording block by block; the engine's work on a block is charged when the
        generator resumes."""

        description = {"kind": "replay"}

        def frames(self):  # noqa: ANN202
            for i in range(0, len(samples), step):
                block_audio = samples[i:i + step]
                clock["at"] = max(clock["at"], (i + len(block_audio)) / SAMPLE_RATE)
                clock["began"] = time.perf_counter()
                yield block_audio
                clock["at"] = now()
                clock["began"] = time.perf_counter()

    waiting_onset: list[float | None] = [None]
    last_onset: list[float | None] = [None]

    def post(message) -> None:  # noqa: ANN001 - engine message
        if not isinstance(message, Events):
            return
        at = now()
        onset = streamer.utterance_onset
        if onset is not None and onset != last_onset[0]:
            last_onset[0] = waiting_onset[0] = onset
        for event in message.events:
            if event.words and waiting_onset[0] is not None:
                out.first_partial_latency.append(at - waiting_onset[0])
                waiting_onset[0] = None
            if isinstance(event, Commit):
                out.commits.append(event)
                for word in event.words:
                    out.words.append(word)
                    out.commit_latency.append(at - word.end)

    cpu0 = time.process_time()
    Engine(Audio(), streamer, live_source=False).run(post)
    out.cpu_seconds = time.process_time() - cpu0
    return out
