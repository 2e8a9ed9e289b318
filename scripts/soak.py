#!/usr/bin/env python3
"""Soak benchmark: a long simulated dictation through the streamer, the interpreter and the draft journal.

    python scripts/soak.py [--minutes 60] [--language da|en] [--fake] [--seed 1] [--json]

The eval clips of one language (../shared/eval) are cycled, in a seeded
shuffled order, with seeded pauses of 1.5-4 s between them, into one stream
that is generated block by block (never held whole in memory) and fed, 0.1 s
at a time, to a `HeadlessSession` built as `dictate listen` builds it: the same
streamer factory, interpreter and note, every commit and every group of edits
journaled in a `DraftStore` (a temporary folder, never the user's), every
event serialised as the JSON Lines `listen` prints (to /dev/null here).

There is no recorded Danish command audio, so spoken structure is put in at
the interpreter: now and then, in a pause, an utterance such as "overskrift
ernæring", "punktum", "ny linje" or "slet det" goes to the session's note
builder as an end-of-utterance commit, the way the streamer hands on a spoken
command. Its words are journaled and interpreted exactly like spoken ones,
but are left out of the latency figures.

The clock is simulated as in bench_stream: it waits for the audio to arrive
and is charged the real time each step of the live loop takes (decode,
interpretation, journal fsync). With `--fake` a cheap deterministic recogniser
and VAD (dictate.speech.fake) stand in for Whisper and
Silero on synthetic "word" audio, so the pipeline's own memory and cost can
be measured quickly and apart from the model.

Reports RSS (VmRSS) every simulated minute, its growth (target <= 50 MB),
commit latency in the first and the last five minutes (target: flat, within
15 %), decode time per update, the journal's size and whether replaying the
journal gives the live note back.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from evallib import load_clips, machine, normalise, peak_rss_mb

from dictate.audio import SAMPLE_RATE as RATE

ROOT = Path(__file__).resolve().parent.parent

BLOCK = 0.1            # seconds of audio per feed, as bench_stream
WINDOW = 300.0         # "first / last five minutes"
RSS_TARGET_MB = 50.0
FLAT_TARGET = 1.15     # last-window figure at most 15 % above the first


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- the stream ------------------------------------------------------------------------------------

def clip_order(count: int, rng: random.Random, apart: int = 4) -> Iterator[int]:
    """Every clip once per round, shuffled; no clip comes back within `apart` clips across
    a round's end (the prompt holds the last ~200 committed characters, and Whisper
    skips audio whose words it was just given)."""
    previous: list[int] = []
    while True:
        order = list(range(count))
        for _ in range(100):
            rng.shuffle(order)
            if count <= 2 * apart or not set(order[:apart]) & set(previous[-apart:]):
                break
        yield from order
        previous = order


class Commands:
    """The spoken structure a nurse would add, from the language's command words and the layout."""

    def __init__(self, commands, layout, language: str) -> None:
        by_mark: dict[str, str] = {}
        for phrase, mark in commands.marks.items():
            by_mark.setdefault(mark, phrase)
        self.period = by_mark.get(".")
        self.new_line = by_mark.get("\n")
        self.new_paragraph = by_mark.get("\n\n")
        self.undo = commands.undo[0] if commands.undo else None
        keyword = commands.heading[0] if commands.heading else None
        self.headings = [f"{keyword} {s.spoken_names(language)[0]}" for s in layout.sections] if keyword else []

    def pick(self, n: int, rng: random.Random) -> tuple[str, str] | None:
        """(kind, phrase) to say in the pause after the n-th clip, or None."""
        if self.headings and n % 12 == 0:                      # a new section about every 2 minutes
            return "heading", self.headings[(n // 12 - 1) % len(self.headings)]
        if self.undo and n % 37 == 20:                          # "slet det" about every 5-6 minutes
            return "undo", self.undo
        roll = rng.random()
        if self.period and roll < 0.30:
            return "period", self.period
        if self.new_line and roll < 0.40:
            return "new_line", self.new_line
        if self.new_paragraph and roll < 0.43:
            return "new_paragraph", self.new_paragraph
        return None


def segments(clips: list[np.ndarray], total: int, rng: random.Random, commands: Commands,
             round_starts: list[float] | None = None) -> Iterator[tuple[np.ndarray, tuple[str, str] | None]]:
    """Blocks of at most 0.1 s up to `total` samples; a command rides on the last block of a pause.

    The stream time at which each round of clips begins is appended to `round_starts`.
    """
    step = int(BLOCK * RATE)
    silence = np.zeros(step, dtype=np.float32)
    produced = 0
    for _ in range(10):  # a second of silence before the first word
        produced += step
        yield silence, None
    for n, index in enumerate(clip_order(len(clips), rng), start=1):
        if round_starts is not None and (n - 1) % len(clips) == 0:
            round_starts.append(produced / RATE)
        audio = clips[index]
        for i in range(0, len(audio), step):
            block = audio[i:i + step][: total - produced]
            produced += len(block)
            yield block, None
            if produced >= total:
                return
        pause = int(rng.uniform(1.5, 4.0) * RATE)
        command = commands.pick(n, rng)
        for i in range(0, pause, step):
            block = silence[: min(step, pause - i, total - produced)]
            produced += len(block)
            last = i + step >= pause
            yield block, command if last else None
            if produced >= total:
                return


# -- the run ---------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the dictation (default: 60)")
    parser.add_argument("--language", choices=("da", "en"), default="da", help="clips and commands (default: da)")
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "eval",
                        help="eval folder or MANIFEST.tsv (default: ../shared/eval)")
    parser.add_argument("--model", default="base")
    parser.add_argument("--fake", action="store_true", help="fake recogniser and VAD: the pipeline alone, quickly")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-journal", action="store_true", help="leave the temporary drafts folder in place")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    parser.add_argument("--print-note", action="store_true", help="print the finished note to stderr")
    args = parser.parse_args()

    drafts_dir = Path(tempfile.mkdtemp(prefix="dictate-soak-"))
    os.environ["DICTATE_DRAFTS_DIR"] = str(drafts_dir)  # nothing here may touch the user's drafts
    try:
        return run(args, drafts_dir)
    finally:
        if not args.keep_journal:
            shutil.rmtree(drafts_dir, ignore_errors=True)


def run(args: argparse.Namespace, drafts_dir: Path) -> int:
    from dictate.audio.decode import load_audio
    from dictate.notes.drafts import DraftStore, restore_note
    from dictate.output import events
    from dictate.output.render import to_dict, to_text
    from dictate.runtime.engine import Engine
    from dictate.runtime.headless import HeadlessSession
    from dictate.runtime.session import SessionSettings, live_streamer, load_recogniser, prepare
    from dictate.speech.live import LiveSettings, make_streamer
    from dictate.speech.streamer import Commit
    from dictate.words import Word

    wall0 = time.perf_counter()
    clips = [c for c in load_clips(args.source) if c.language == args.language]
    if not clips:
        print(f"no '{args.language}' clips with references in {args.source}", file=sys.stderr)
        return 66
    # The session `dictate listen` builds: templates, commands, vocabulary, model identity.
    dictation = prepare(SessionSettings(language=args.language, model=args.model))
    settings, catalog = dictation.settings, dictation.catalog
    live = LiveSettings.for_language(args.language)
    if args.fake:
        from dictate.speech.fake import FakeWhisper, fake_vad, speak

        vocabulary = sorted({w for c in clips for w in normalise(c.reference).split()})
        decoder = FakeWhisper(vocabulary, calls=None)  # no call log: nothing grows with the stream
        audio = [speak([normalise(c.reference).split()], vocabulary, pause=0.0, lead=0.0)[0] for c in clips]
        def vad_factory():  # noqa: ANN202
            return fake_vad
        def new_streamer(wrap):  # noqa: ANN001, ANN202
            return make_streamer(decoder, settings.language, live, vad=vad_factory(), wrap=wrap)
        engine_name = f"fake recogniser and VAD ({len(vocabulary)} words)"
    else:
        from dictate.speech.whisper import StreamingVad

        recogniser = load_recogniser(dictation)
        decoder = recogniser.transcriber
        audio = [load_audio(c.audio).samples for c in clips]
        vad_factory = StreamingVad
        def new_streamer(wrap):  # noqa: ANN001, ANN202
            return live_streamer(recogniser, settings.language, live=live, wrap=wrap)
        engine_name = f"{dictation.model.name} int8"

    # Warm-up, before the baseline: the model at the longest buffer and both beams, the VAD.
    longest = np.concatenate(audio)[: int(live.stream.max_buffer * RATE)]
    for beam in (live.beam_size, live.final_beam_size):
        decoder.decode_chunk(longest, args.language, "", beam_size=beam)
    vad_factory()(longest[: len(longest) // 512 * 512])
    hardware = machine()
    load_start = os.getloadavg()

    decode_log = {"at": array("d"), "audio": array("d"), "seconds": array("d"), "cpu": array("d")}

    def reference_decode() -> float:
        """The same clip decoded outside the stream (and off the clock): if this slows down
        too, the machine did, not the pipeline."""
        times = []
        for _ in range(3):
            began = time.perf_counter()
            decoder.decode_chunk(audio[0], args.language, "", beam_size=live.beam_size)
            times.append(time.perf_counter() - began)
        return min(times)

    reference = [reference_decode()]
    now = [0.0]  # stream time of the block being fed

    def timed(transcribe):
        def decode(chunk, prompt, final=False):
            began, cpu_began = time.perf_counter(), time.process_time()
            words = transcribe(chunk, prompt, final=final)
            decode_log["at"].append(now[0])
            decode_log["audio"].append(len(chunk) / RATE)
            decode_log["seconds"].append(time.perf_counter() - began)
            # CPU seconds of the whole process (the model's threads too): unlike the wall
            # time, not inflated when other work competes for the cores.
            decode_log["cpu"].append(time.process_time() - cpu_began)
            return words
        return decode

    ends, latency = array("d"), array("d")   # per committed word: audio end, commit latency
    commands = Commands(settings.commands, settings.layout, args.language)
    said, skipped = Counter(), Counter()
    command_cost: dict[str, list[tuple[float, float]]] = {}
    total = int(args.minutes * 60 * RATE)
    rng = random.Random(args.seed)
    rss = [rss_mb()]
    round_starts: list[float] = []
    # The simulated clock: the audio's time plus what processing it took (see the docstring).
    clock = {"at": 0.0, "block_began": time.perf_counter()}

    def clock_now() -> float:
        return clock["at"] + time.perf_counter() - clock["block_began"]

    class Nurse:
        """The source: the clips block by block, and in some pauses a spoken command.

        The engine feeds each block to the streamer between two steps of this generator,
        so the time it takes is charged to the clock when the generator resumes."""

        description = {"kind": "soak", "path": f"soak:{args.language}"}

        def frames(self) -> Iterator[np.ndarray]:
            fed, next_minute = 0, 1
            for block, command in segments(audio, total, rng, commands, round_starts):
                fed += len(block)
                now[0] = fed / RATE
                clock["at"] = max(clock["at"], now[0])
                clock["block_began"] = time.perf_counter()
                yield block
                clock["at"] = clock_now()
                clock["block_began"] = time.perf_counter()
                if command is not None:
                    say(*command)
                while fed >= next_minute * 60 * RATE:
                    rss.append(rss_mb())
                    if next_minute % 5 == 0:
                        reference.append(reference_decode())
                        print(f"[soak] {next_minute}/{args.minutes:g} min, wall "
                              f"{(time.perf_counter() - wall0) / 60:.1f} min, RSS {rss[-1]:.0f} MB, clock behind "
                              f"audio {clock['at'] - now[0]:.2f} s, load {os.getloadavg()[0]:.2f}",
                              file=sys.stderr, flush=True)
                    next_minute += 1
                clock["block_began"] = time.perf_counter()

    # As `dictate listen`: a headless session, every commit and edit group journaled (fsync'd),
    # every event serialised (to /dev/null).
    session = HeadlessSession(dictation, Engine(Nurse(), new_streamer(timed), live_source=False),
                              DraftStore(drafts_dir))
    note = session.note
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    utterances = 0

    def report(item) -> None:  # noqa: ANN001 - headless.Report
        nonlocal utterances
        if isinstance(item, Commit):
            sink.write(events.stream_event(item))
            utterances += item.end_of_utterance
            at = clock_now()
            for word in item.words:
                ends.append(word.end)
                latency.append(at - word.end)
        elif hasattr(item, "words"):
            sink.write(events.stream_event(item))
        elif hasattr(item, "at"):
            sink.write(events.notice(item))

    def say(kind: str, phrase: str) -> None:
        """A command spoken in a pause: handed to the note builder as the streamer would."""
        if session.engine.streamer.in_utterance:
            skipped[kind] += 1  # the VAD still hears the last clip: nobody speaks over it
            return
        said_words = phrase.split()
        starts = [now[0] - 0.4 * (len(said_words) - i) for i in range(len(said_words))]
        words = tuple(Word(text, t, t + 0.3, 1.0) for text, t in zip(said_words, starts))
        began = time.perf_counter()
        spoken = Commit(words, end_of_utterance=True, emitted_at=now[0])
        session.builder.handle([spoken])
        sink.write(events.stream_event(spoken))
        for notice in session.builder.new_notices():
            sink.write(events.notice(notice))
        spent = time.perf_counter() - began
        clock["at"] += spent
        said[kind] += 1
        command_cost.setdefault(kind, []).append((now[0], spent))

    # Interpretation + note + journal, per call that carried events (measured, not changed).
    builder_log = {"at": array("d"), "seconds": array("d")}
    handle = session.builder.handle

    def timed_handle(stream_events) -> None:
        began = time.perf_counter()
        handle(stream_events)
        if stream_events:
            builder_log["at"].append(now[0])
            builder_log["seconds"].append(time.perf_counter() - began)

    session.builder.handle = timed_handle
    cpu0, loop0 = time.process_time(), time.perf_counter()
    sink.write(events.session_start(note, {"kind": "soak", "path": note.source}))
    print(f"[soak] {engine_name}, {args.minutes:g} min of '{args.language}' ({len(clips)} clips); baseline RSS "
          f"{rss[0]:.0f} MB", file=sys.stderr, flush=True)
    session.run(report)
    sink.write(events.final_note(note))
    sink.write(events.session_end("end_of_stream", 0))
    sink.close()
    cpu = time.process_time() - cpu0
    loop_wall = time.perf_counter() - loop0
    audio_seconds = now[0]
    session.draft.close()
    rss_end = rss_mb()

    # Replay the journal as `dictate listen --recover` would, and compare with the live note.
    journal_path = session.draft.path
    journal_bytes = journal_path.stat().st_size if journal_path else 0
    replay_ok = False
    if journal_path:
        restored = restore_note(journal_path, catalog.layouts, dict(catalog.autotexts), model=settings.model,
                                vocabularies=settings.vocabularies, interpreter=settings.interpreter())
        replay_ok = to_text(restored) == to_text(note) and to_dict(restored) == to_dict(note)
        if not replay_ok:
            import difflib

            live_dict, restored_dict = to_dict(note), to_dict(restored)
            differs = [key for key in live_dict if live_dict[key] != restored_dict.get(key)]
            print(f"[soak] replay MISMATCH in {', '.join(differs)}; text diff (live -> replayed):", file=sys.stderr)
            diff = difflib.unified_diff(to_text(note).splitlines(), to_text(restored).splitlines(), lineterm="", n=0)
            for line in list(diff)[2:12]:
                print(f"[soak]   {line[:400]}", file=sys.stderr)
            for mine, theirs in zip(live_dict["sections"], restored_dict["sections"]):
                for key in mine:
                    if mine[key] != theirs.get(key):
                        if key == "words":
                            pairs = [(x, y) for x, y in zip(mine[key], theirs[key]) if x != y][:3]
                            print(f"[soak]   section {mine['key']} words: {len(mine[key])} vs {len(theirs[key])}, "
                                  f"first differences {pairs}", file=sys.stderr)
                        else:
                            print(f"[soak]   section {mine['key']} {key}: {mine[key]!r:.200} vs "
                                  f"{theirs.get(key)!r:.200}", file=sys.stderr)
    live_text = to_text(note, trailer=False)
    if args.print_note:
        print(live_text, file=sys.stderr)

    # -- figures -----------------------------------------------------------------------------------
    ends_np, latency_np = np.frombuffer(ends, dtype=float), np.frombuffer(latency, dtype=float)
    # Five minutes at either end; in a short run its halves, so that they do not overlap.
    window = min(WINDOW, audio_seconds / 2)
    wlabel = f"{window / 60:g} min"
    first_w = latency_np[ends_np < window]
    last_w = latency_np[ends_np >= audio_seconds - window]

    def stats(values: np.ndarray) -> tuple[float, float, int]:
        if not len(values):
            return float("nan"), float("nan"), 0
        return float(np.median(values)), float(np.percentile(values, 90)), len(values)

    lat_first, lat_last = stats(first_w), stats(last_w)
    at = np.frombuffer(decode_log["at"], dtype=float)
    dec_audio = np.frombuffer(decode_log["audio"], dtype=float)
    dec_s = np.frombuffer(decode_log["seconds"], dtype=float)
    dec_cpu = np.frombuffer(decode_log["cpu"], dtype=float)
    load_end = os.getloadavg()
    d_first, d_last = at < window, at >= audio_seconds - window

    def mean(values: np.ndarray) -> float:
        return float(np.mean(values)) if len(values) else float("nan")

    def per_audio(mask: np.ndarray) -> float:
        return float(dec_s[mask].sum() / dec_audio[mask].sum()) if mask.any() else float("nan")

    b_at = np.frombuffer(builder_log["at"], dtype=float)
    b_s = np.frombuffer(builder_log["seconds"], dtype=float)

    def ratio(a: float, b: float) -> float:
        return b / a if a and not math.isnan(a) and not math.isnan(b) else float("nan")

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    settled = min(5, (len(rss) - 1) // 2)  # the baseline once the note and the buffers are under way
    minute5 = rss[settled]
    growth_start = rss_end - rss[0]
    growth_5 = rss_end - minute5
    p50_ratio, p90_ratio = ratio(lat_first[0], lat_last[0]), ratio(lat_first[1], lat_last[1])
    decode_ratio = ratio(mean(dec_s[d_first]), mean(dec_s[d_last]))
    cpu_ratio = ratio(mean(dec_cpu[d_first]), mean(dec_cpu[d_last]))
    note_words = sum(len(s.words) for s in note.sections.values())
    sections_used = sum(1 for _ in note.filled_sections())
    undo_costs = command_cost.get("undo", [])

    print(f"machine: {hardware}; load average (1 min) at start {load_start[0]:.2f}, at end {load_end[0]:.2f}")
    print(f"soak: {args.minutes:g} min of '{args.language}' eval clips ({len(clips)}, shuffled per round, seed "
          f"{args.seed}) with 1.5-4 s pauses; {engine_name}; live beam {live.beam_size} (last decode "
          f"{live.final_beam_size}); block {BLOCK:g} s; wall {time.perf_counter() - wall0:.0f} s")
    print(f"stream: {audio_seconds / 60:.1f} min audio, {len(dec_s)} decodes, {utterances} utterances, "
          f"{len(ends)} words committed by the streamer; note {note_words} words in {sections_used} sections, "
          f"{len(note.history)} edit groups; compute {cpu / audio_seconds:.2f} CPU s per audio s "
          f"(loop wall {loop_wall / audio_seconds:.2f} s per audio s); clock behind audio at the end "
          f"{clock['at'] - audio_seconds:.2f} s")
    print("commands said in pauses: " + (", ".join(f"{k} {v}" for k, v in sorted(said.items())) or "none")
          + ("; skipped (still in an utterance): " + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items()))
             if skipped else ""))
    print("RSS by minute (MB): " + " ".join(f"{m}:{v:.0f}" for m, v in enumerate(rss)) + f" end:{rss_end:.0f}")
    print(f"RSS: start {rss[0]:.1f} MB (after model load and warm-up), after minute {settled} {minute5:.1f} MB, "
          f"end {rss_end:.1f} MB, peak {peak_rss_mb():.1f} MB")
    print(f"RSS growth end - start {growth_start:+.1f} MB (target <= {RSS_TARGET_MB:g}): "
          f"{verdict(growth_start <= RSS_TARGET_MB)}")
    print(f"RSS growth end - minute {settled} {growth_5:+.1f} MB (target <= {RSS_TARGET_MB:g}): "
          f"{verdict(growth_5 <= RSS_TARGET_MB)}")
    print(f"commit latency first {wlabel} p50 {lat_first[0]:.2f} s p90 {lat_first[1]:.2f} s (n={lat_first[2]}); "
          f"last {wlabel} p50 {lat_last[0]:.2f} s p90 {lat_last[1]:.2f} s (n={lat_last[2]})")
    print(f"commit latency ratio last/first p50 {p50_ratio:.2f} (target <= {FLAT_TARGET:g}): "
          f"{verdict(p50_ratio <= FLAT_TARGET)}; p90 {p90_ratio:.2f} (target <= {FLAT_TARGET:g}): "
          f"{verdict(p90_ratio <= FLAT_TARGET)}")
    print(f"decode per update first {wlabel} {mean(dec_s[d_first]) * 1000:.1f} ms (n={int(d_first.sum())}), "
          f"last {wlabel} {mean(dec_s[d_last]) * 1000:.1f} ms (n={int(d_last.sum())}), ratio {decode_ratio:.2f}; "
          f"per second of decoded audio {per_audio(d_first):.3f} vs {per_audio(d_last):.3f} s; "
          f"audio per decode max {dec_audio.max() if len(dec_audio) else 0:.1f} s")
    print(f"decode CPU per update (process CPU time) first {wlabel} {mean(dec_cpu[d_first]) * 1000:.1f} ms, "
          f"last {wlabel} {mean(dec_cpu[d_last]) * 1000:.1f} ms, ratio {cpu_ratio:.2f}")
    # The first and the last complete round hold the same clips (in another order): the
    # fairest before/after comparison, as it does not depend on which clips fall in a window.
    rounds = [(a, b) for a, b in zip(round_starts, round_starts[1:]) if b <= audio_seconds]
    same_clips = None
    if len(rounds) >= 2:
        def round_cost(bounds: tuple[float, float]) -> float:
            return float(dec_s[(at >= bounds[0]) & (at < bounds[1])].sum())

        same_clips = (round_cost(rounds[0]), round_cost(rounds[-1]), len(rounds))
        print(f"same clips, decode time in round 1 vs round {same_clips[2]}: {same_clips[0]:.1f} s vs "
              f"{same_clips[1]:.1f} s, ratio {ratio(same_clips[0], same_clips[1]):.2f}; by round: "
              + " ".join(f"{round_cost(r):.1f}" for r in rounds))
    print("reference decode (clip 1 alone, off the stream, at the start and every 5 min): "
          + " ".join(f"{t * 1000:.0f}" for t in reference)
          + f" ms, last/first {ratio(reference[0], reference[-1]):.2f}")
    print(f"interpreter + note + journal per event batch first {wlabel} {mean(b_s[b_at < window]) * 1000:.2f} ms, "
          f"last {wlabel} {mean(b_s[b_at >= audio_seconds - window]) * 1000:.2f} ms"
          + (f"; undo first {undo_costs[0][1] * 1000:.1f} ms, last {undo_costs[-1][1] * 1000:.1f} ms"
             if undo_costs else ""))
    print(f"journal: {journal_bytes / 1e6:.2f} MB on disk ({journal_bytes / max(audio_seconds / 60, 1e-9) / 1e3:.1f} "
          f"kB per minute), note text {len(live_text)} characters; replay gives the live note: "
          f"{'OK' if replay_ok else 'MISMATCH'}")
    if args.json:
        print(json.dumps({
            "machine": hardware, "fake": args.fake, "language": args.language, "minutes": args.minutes,
            "seed": args.seed, "audio_seconds": round(audio_seconds, 1), "decodes": len(dec_s),
            "utterances": utterances, "words_committed": len(ends), "note_words": note_words,
            "commands": dict(said), "commands_skipped": dict(skipped),
            "compute_cpu_per_audio_s": round(cpu / audio_seconds, 3),
            "rss_mb_by_minute": [round(v, 1) for v in rss], "rss_start_mb": round(rss[0], 1),
            "rss_minute5_mb": round(minute5, 1), "rss_end_mb": round(rss_end, 1),
            "rss_peak_mb": round(peak_rss_mb(), 1), "rss_growth_mb": round(growth_start, 1),
            "rss_growth_after_minute5_mb": round(growth_5, 1),
            "rss_target_met": bool(growth_start <= RSS_TARGET_MB and growth_5 <= RSS_TARGET_MB),
            "commit_latency_first": {"p50": round(lat_first[0], 3), "p90": round(lat_first[1], 3), "n": lat_first[2]},
            "commit_latency_last": {"p50": round(lat_last[0], 3), "p90": round(lat_last[1], 3), "n": lat_last[2]},
            "commit_latency_ratio": {"p50": round(p50_ratio, 3), "p90": round(p90_ratio, 3)},
            "latency_flat_met": bool(p50_ratio <= FLAT_TARGET and p90_ratio <= FLAT_TARGET),
            "decode_per_update_s": {"first": round(mean(dec_s[d_first]), 4), "last": round(mean(dec_s[d_last]), 4),
                                    "ratio": round(decode_ratio, 3)},
            "reference_decode_s": [round(t, 4) for t in reference],
            "same_clips_decode_s": ({"first_round": round(same_clips[0], 6), "last_round": round(same_clips[1], 6),
                                     "rounds": same_clips[2], "ratio": round(ratio(same_clips[0], same_clips[1]), 3)}
                                    if same_clips else None),
            "decode_cpu_per_update_s": {"first": round(mean(dec_cpu[d_first]), 4),
                                        "last": round(mean(dec_cpu[d_last]), 4), "ratio": round(cpu_ratio, 3)},
            "load_average": [round(load_start[0], 2), round(load_end[0], 2)],
            "journal_bytes": journal_bytes, "replay_ok": replay_ok,
        }, ensure_ascii=False))
    return 0 if replay_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
