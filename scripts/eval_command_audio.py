#!/usr/bin/env python3
"""Spoken commands end to end on audio: precision, recall and heading placement through the real model.

    python scripts/eval_command_audio.py [--set tests/data/command_audio.yaml]
        [--conditions clean,snr20,snr10,echo] [--modes offline,live] [--ids c01,c02 | --limit N]
        [--save DIR] [--json FILE] [--check] [-v]
    python scripts/eval_command_audio.py --compose 64 --seed 17 > tests/data/command_audio.yaml

Each dictation of the set is spoken part by part with espeak-ng (its voice and speed),
with the silence before each part as written, so the pause before a command is exactly
what the set says (0.2-1.0 s). Then, per condition, it is heard as it is (`clean`), with
pink noise at 20 or 10 dB SNR (`snr20`, `snr10`, against the speech's own power) or in a
room (`echo`: sox's reverb, then 20 dB of noise). Each version goes through the real
model offline (the `transcribe` pipeline) and live (the streamer on a simulated clock,
as `listen` would hear it), and the utterances through a fresh interpreter with the
shipped templates, as the product runs.

Scored per condition and mode:
- commands: the commands the interpreter acted on (heading:KEY, autotext:ID, next_field,
  previous_field, undo, end_note) against the expected ones, aligned in order.
  Precision = right / acted on, recall = right / expected.
- placement: each spoken sentence is looked up in the finished note; it counts when it
  is under the heading it was said under (a sentence taken back with "scratch that"
  counts when it is gone).
- notices: command notices (e.g. "a heading command that matches no heading"); each is
  a false alarm for the nurse.

Needs espeak-ng and, for `echo`, sox (apt install espeak-ng sox). Targets at snr20:
recall >= 0.95, precision >= 0.99; `--check` exits 1 when missed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from dictate.audio import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "tests" / "data" / "command_audio.yaml"
CONDITIONS = ("clean", "snr20", "snr10", "echo")
MODES = ("offline", "live")
TARGET_RECALL = 0.95
TARGET_PRECISION = 0.99
#: silence before an ordinary sentence, and after a command unless the set says otherwise
SENTENCE_PAUSE = 0.5
AFTER_COMMAND = 0.7
#: a sentence is "in" a section when it matches part of its text this well (rapidfuzz 0-100)
FOUND = 75


# --- the set ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    kind: str                  # say | field | command
    text: str
    pause: float               # silence before it, seconds
    expect: str | None = None  # for a command: what the interpreter should do
    after: float | None = None  # for a command: silence after it (default AFTER_COMMAND)


@dataclass(frozen=True)
class Dictation:
    id: str
    voice: str
    speed: int
    parts: tuple[Part, ...]
    #: the language it is spoken in, and interpreted with (`language:` in the set; English if not given)
    language: str = "en"

    @property
    def expected(self) -> list[str]:
        return [p.expect for p in self.parts if p.kind == "command" and p.expect]


def load_set(path: Path) -> list[Dictation]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in items:
        parts = []
        for raw in item["parts"]:
            kind = next(k for k in ("say", "field", "command") if k in raw)
            default = SENTENCE_PAUSE if kind != "command" else 0.6
            parts.append(Part(kind, raw[kind], float(raw.get("pause", default)), raw.get("expect"),
                              raw.get("after")))
        out.append(Dictation(item["id"], item["voice"], int(item["speed"]), tuple(parts), item.get("language", "en")))
    return out


# --- composing the set (once; the YAML is committed) ---------------------------------------

SENTENCES = {
    "general": ["The resident was cheerful and well rested this morning.",
                "She was sitting in her chair by the window when I arrived.",
                "Her daughter visited her yesterday afternoon.",
                "He was dressed and ready when I came in."],
    "I3": ["She ate half a portion of porridge for breakfast.", "He drank a large glass of water with his pills.",
           "She did not want any lunch today.", "He likes the soup and asked for more bread."],
    "I9": ["She says she has no pain today.", "He has some pain in his left knee when he walks.",
           "The pain in her back is better than yesterday."],
    "I10": ["She slept well through the night.", "He woke up twice during the night and was restless."],
    "I4": ["The skin on her heels is whole and dry.", "There is a small red area on his lower back."],
    "I2": ["She walked to the kitchen with her walker.", "He needed help to get out of bed this morning."],
    "I7": ["Her breathing was calm and regular.", "His ankles are a little swollen today."],
    "I6": ["She seemed sad and talked about her late husband.", "He enjoyed the music in the common room."],
    "I5": ["She speaks clearly and understands everything.", "He finds it hard to find the right words."],
}
#: sentences that contain command words but are text: they must never act
DECOYS = {
    "general": ["She asked me to read the heading of the letter from the hospital.",
                "She wants to finish the book before the weekend.",
                "We will look at it again next time."],
    "I3": ["She wants to undo the diet plan from the hospital."],
    "I4": ["The wound care nurse will come again next week."],
    "I9": ["He says the pain should end soon."],
}
HEADINGS = {  # how a nurse may name a section after "heading"
    "I3": ["nutrition", "diet", "food and drink"], "I9": ["pain"], "I10": ["sleep", "sleep and rest"],
    "I4": ["skin", "wound care"], "I2": ["mobility", "movement"], "I7": ["breathing", "blood pressure"],
    "I6": ["wellbeing", "psychosocial"], "I5": ["communication"],
}
AUTOTEXTS = [  # trigger, id, two field values
    ("wound care", "saarpleje", ["Left lower leg.", "Five by six."]),
    ("dressing change", "saarpleje", ["Right heel.", "Two by three."]),
    ("vital signs", "blodtryk_puls", ["Sitting.", "Left."]),
    ("blood pressure and pulse", "blodtryk_puls", ["Lying.", "Right."]),
    ("skin check", "hudobservation", ["Pale.", "Dry."]),
    ("catheter care", "kateterpleje", ["Suprapubic catheter.", "Clear."]),
    ("medication given", "medicingivning", ["Morning medication.", "Dose bag."]),
    ("food and fluids", "ernaering_vaeske", ["The whole portion.", "Breakfast."]),
]
VOICES = ["en-us", "en-gb", "en-gb-x-rp", "en-gb-scotland", "en-us+f3", "en-gb+f2", "en-us+m3", "en-029"]
SPEEDS = [130, 145, 160, 175]
PAUSES = [0.2, 0.3, 0.4, 0.6, 0.8, 1.0]


def compose(count: int, seed: int) -> str:
    """The set as YAML: `count` dictations drawn with `seed`, each a short visit note."""
    rng = random.Random(seed)
    lines = ["# Spoken-command dictations for scripts/eval_command_audio.py (English; written by",
             f"# `scripts/eval_command_audio.py --compose {count} --seed {seed}`). Each part is spoken with",
             "# espeak-ng after `pause` seconds of silence; a command part says what the interpreter should",
             "# do (`expect`) and, with `after`, how soon the nurse goes on. Sentences are the project's own.",
             ""]

    def say(kind: str, text: str, pause: float | None = None) -> str:
        extra = "" if pause is None else f", pause: {pause}"
        return f"    - {{{kind}: {json.dumps(text)}{extra}}}"

    def command(text: str, expect: str, after: float | None = None) -> str:
        extra = "" if after is None else f", after: {after}"
        return f"    - {{command: {json.dumps(text)}, expect: {expect}, pause: {rng.choice(PAUSES)}{extra}}}"

    for n in range(1, count + 1):
        parts = []
        used: set[str] = set()

        def sentence(key: str, decoy: float = 0.15) -> str:
            pool = DECOYS.get(key, []) if rng.random() < decoy else []
            pool = [s for s in (pool or SENTENCES[key]) if s not in used] or SENTENCES[key]
            text = rng.choice(pool)
            used.add(text)
            return text

        parts.append(say("say", sentence("general", 0.3)))
        sections = rng.sample(sorted(HEADINGS), 2)
        undo_at = rng.randrange(3) if rng.random() < 0.35 else None
        for i, key in enumerate(sections):
            name = rng.choice(HEADINGS[key])
            word = "New heading" if rng.random() < 0.15 else "Heading"
            # Half the time the nurse goes straight on after the heading, in one breath.
            parts.append(command(f"{word} {name}.", f"heading:{key}", 0.15 if rng.random() < 0.5 else None))
            parts.append(say("say", sentence(key)))
            if undo_at == i:
                parts.append(say("say", sentence(key, 0.0)))
                parts.append(command(rng.choice(["Scratch that.", "Undo that."]), "undo"))
        if rng.random() < 0.45:
            trigger, autotext, values = rng.choice(AUTOTEXTS)
            parts.append(command(f"Auto text {trigger}.", f"autotext:{autotext}"))
            parts.append(say("field", values[0]))
            parts.append(command("Next field.", "next_field"))
            parts.append(say("field", values[1]))
            if rng.random() < 0.3:
                parts.append(command("Previous field.", "previous_field"))
        if undo_at == 2:
            parts.append(say("say", sentence("general", 0.0)))
            parts.append(command(rng.choice(["Scratch that.", "Undo that."]), "undo"))
        if rng.random() < 0.6:
            parts.append(command(rng.choice(["End note.", "End of note.", "Finish note."]), "end_note"))
        lines += [f"- id: c{n:02d}", f"  voice: {rng.choice(VOICES)}", f"  speed: {rng.choice(SPEEDS)}",
                  "  parts:", *parts]
    return "\n".join(lines) + "\n"


# --- audio --------------------------------------------------------------------------------

def _speak(text: str, voice: str, speed: int) -> np.ndarray:
    from dictate.audio.decode import load_audio  # resamples espeak's 22.05 kHz with the app's decoder

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "part.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True,
                       capture_output=True)
        audio = load_audio(raw).samples
    loud = np.flatnonzero(np.abs(audio) > 1e-3)  # espeak's own silence would blur the set's pauses
    return audio[loud[0]:loud[-1] + 1] if len(loud) else audio


@dataclass
class Spoken:
    samples: np.ndarray
    #: (start, end) in seconds of each part, for the SNR and for reading a failure
    spans: list[tuple[float, float]] = field(default_factory=list)


def speak(dictation: Dictation) -> Spoken:
    chunks = [np.zeros(int(0.5 * SAMPLE_RATE), dtype=np.float32)]
    at = 0.5
    spans = []
    after = 0.0
    for part in dictation.parts:
        silence = max(part.pause, after)
        chunks.append(np.zeros(int(silence * SAMPLE_RATE), dtype=np.float32))
        at += silence
        audio = _speak(part.text, dictation.voice, dictation.speed)
        chunks.append(audio)
        spans.append((at, at + len(audio) / SAMPLE_RATE))
        at += len(audio) / SAMPLE_RATE
        after = (part.after if part.after is not None else AFTER_COMMAND) if part.kind == "command" else 0.0
    chunks.append(np.zeros(SAMPLE_RATE, dtype=np.float32))
    return Spoken(np.concatenate(chunks).astype(np.float32), spans)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n)
    spectrum[1:] /= np.sqrt(f[1:])  # 1/f power: like a room and a headset, not a hiss
    spectrum[0] = 0
    noise = np.fft.irfft(spectrum, n)
    return (noise / np.sqrt(np.mean(noise ** 2))).astype(np.float32)


def with_noise(spoken: Spoken, snr_db: float, seed: int) -> np.ndarray:
    """`snr_db` against the speech's power over its parts (not diluted by the pauses)."""
    samples = spoken.samples
    speech = np.concatenate([samples[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)] for a, b in spoken.spans])
    power = float(np.mean(speech ** 2))
    noise = pink_noise(len(samples), np.random.default_rng(seed)) * np.sqrt(power / 10 ** (snr_db / 10))
    return np.clip(samples + noise, -1.0, 1.0).astype(np.float32)


def condition(spoken: Spoken, name: str, seed: int) -> np.ndarray:
    if name == "clean":
        return spoken.samples
    if name.startswith("snr"):
        return with_noise(spoken, float(name[3:]), seed)
    if name == "echo":
        echoed = Spoken(reverb(spoken.samples), spoken.spans)
        return with_noise(echoed, 20.0, seed)
    raise ValueError(f"unknown condition {name!r}")


def _write_wav(path: Path, samples: np.ndarray) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(np.clip(samples * 32768.0, -32768, 32767).astype("<i2").tobytes())


def reverb(samples: np.ndarray) -> np.ndarray:
    """A room: sox's reverb (50 % reverberance, 50 % HF damping, full room scale), dry and wet mixed."""
    from dictate.audio.decode import load_audio

    with tempfile.TemporaryDirectory() as tmp:
        dry, wet = Path(tmp) / "dry.wav", Path(tmp) / "wet.wav"
        _write_wav(dry, samples * 0.7)  # headroom for the tail
        subprocess.run(["sox", str(dry), str(wet), "reverb", "50", "50", "100"], check=True, capture_output=True)
        out = load_audio(wet).samples
    return out[:len(samples)].astype(np.float32)


# --- hearing and interpreting ----------------------------------------------------------------

def label(edit) -> str | None:  # noqa: ANN001 - an Edit
    from dictate.interpret.edits import EndNote, GoToSection, InsertAutoText, NextField, PreviousField, Undo

    if isinstance(edit, InsertAutoText):
        return f"autotext:{edit.autotext.id}"
    if isinstance(edit, GoToSection):
        return f"heading:{edit.key}"
    for kind, name in ((Undo, "undo"), (NextField, "next_field"), (PreviousField, "previous_field"),
                       (EndNote, "end_note")):
        if isinstance(edit, kind):
            return name
    return None


@dataclass
class Heard:
    """One dictation through one mode: what the interpreter did and the note it made."""

    acted: list[str]
    sections: dict[str, str]
    notices: list[str]
    text: str  # every word heard, for -v only (this is synthetic speech, not a patient's)


def interpret(utterances, settings) -> Heard:  # noqa: ANN001
    """The utterances through a fresh interpreter into a fresh note, as the note builder does."""
    from dictate.notes.pipeline import apply_utterance

    note = settings.new_note(None)
    interpreter = settings.interpreter()
    acted = []
    for utterance in utterances:
        if note.finished:
            break  # what follows "end note" is not part of the note
        for edit in apply_utterance(interpreter, note, utterance):
            name = label(edit)
            if name is not None:
                acted.append(name)
    sections = {s.key: s.text for s in note.filled_sections()}
    text = " | ".join(" ".join(w.text for w in u.words) for u in utterances)
    return Heard(acted, sections, [n.code for n in interpreter.notices], text)


def hear_offline(samples: np.ndarray, recogniser, settings) -> list:  # noqa: ANN001
    """The utterances the `transcribe` pipeline hears."""
    from dictate.notes.pipeline import transcribe_stream

    return transcribe_stream([samples], recogniser.transcriber, settings, hotwords=recogniser.hotwords).utterances


def hear_live(samples: np.ndarray, recogniser, settings) -> list:  # noqa: ANN001
    """The utterances the note builder gets from a live replay."""
    from evallib import replay

    from dictate.runtime.session import live_streamer

    return replay(samples, lambda wrap: live_streamer(recogniser, settings.language, wrap=wrap)).utterances


# --- scoring ----------------------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w\s]")


def _norm(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.casefold()).split())


def expected_places(dictation: Dictation, autotext_sections: dict[str, str]) -> list[tuple[str, str | None]]:
    """Each spoken sentence and the section it belongs under (None: taken back by undo)."""
    places: list[tuple[str, str | None]] = []
    section = "general"
    for part in dictation.parts:
        if part.kind == "say":
            places.append((part.text, section))
        elif part.kind == "command" and part.expect:
            kind, _, value = part.expect.partition(":")
            if kind == "heading":
                section = value
            elif kind == "autotext":
                section = autotext_sections.get(value, section)
            elif kind == "undo" and places:
                places[-1] = (places[-1][0], None)
    return places


def placed(sentence: str, sections: dict[str, str]) -> str | None:
    """The section whose text holds `sentence` best, or None when no section holds it."""
    from rapidfuzz import fuzz

    best, where = 0.0, None
    for key, text in sections.items():
        score = fuzz.partial_ratio(_norm(sentence), _norm(text))
        if score > best:
            best, where = score, key
    return where if best >= FOUND else None


@dataclass
class Score:
    expected: Counter = field(default_factory=Counter)
    right: Counter = field(default_factory=Counter)
    acted: int = 0
    notices: int = 0
    sentences: int = 0
    placed_right: int = 0
    dictations: int = 0
    failures: list[str] = field(default_factory=list)
    #: (heard, expected) commands by the pause before them and by voice
    by_pause: dict[float, list[int]] = field(default_factory=dict)
    by_voice: dict[str, list[int]] = field(default_factory=dict)

    def add(self, dictation: Dictation, heard: Heard, autotext_sections: dict[str, str]) -> None:
        self.dictations += 1
        expected = dictation.expected
        matcher = difflib.SequenceMatcher(a=expected, b=heard.acted, autojunk=False)
        matched = {b.a + i for b in matcher.get_matching_blocks() for i in range(b.size)}
        right = [expected[i] for i in sorted(matched)]
        commands = [p for p in dictation.parts if p.kind == "command" and p.expect]
        for i, part in enumerate(commands):
            for table, key in ((self.by_pause, part.pause), (self.by_voice, dictation.voice)):
                row = table.setdefault(key, [0, 0])
                row[0] += i in matched
                row[1] += 1
        self.expected.update(kind(e) for e in expected)
        self.right.update(kind(r) for r in right)
        self.acted += len(heard.acted)
        self.notices += len(heard.notices)
        wrong_places = []
        for sentence, section in expected_places(dictation, autotext_sections):
            self.sentences += 1
            if placed(sentence, heard.sections) == section:
                self.placed_right += 1
            else:
                wrong_places.append(sentence)
        if len(right) != len(expected) or len(right) != len(heard.acted) or wrong_places or heard.notices:
            self.failures.append(f"{dictation.id}: expected {expected}, acted {heard.acted}, notices {heard.notices}, "
                                 f"misplaced {wrong_places}\n      heard: {heard.text}")

    @property
    def false(self) -> int:
        """Commands acted on that nobody said (or said as another command)."""
        return self.acted - sum(self.right.values())

    @property
    def precision(self) -> float:
        return sum(self.right.values()) / self.acted if self.acted else 1.0

    @property
    def recall(self) -> float:
        total = sum(self.expected.values())
        return sum(self.right.values()) / total if total else 1.0

    @property
    def placement(self) -> float:
        return self.placed_right / self.sentences if self.sentences else 1.0


def load_recorded(path: Path) -> dict:
    """A --record file (or its .gz, as kept in tests/data)."""
    import gzip

    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return json.loads(raw.decode("utf-8"))


def rescore(rows: list[dict], by_id: dict[str, Dictation], by_language: dict, autotext_sections: dict[str, str],
            conditions: list[str] | None = None, modes: list[str] | None = None) -> dict[tuple[str, str], Score]:
    """Recorded words (the "heard" rows of a --record file) through today's interpreter, each
    dictation in its own language (`by_language`: language -> session settings): a Score per
    (condition, mode). Rows of other dictations, conditions or modes are left out."""
    from evallib import utterances_from_json

    scores: dict[tuple[str, str], Score] = {}
    for row in rows:
        dictation = by_id.get(row["id"])
        if dictation is None or (conditions and row["condition"] not in conditions) or (
                modes and row["mode"] not in modes):
            continue
        heard = interpret(utterances_from_json(row["utterances"]), by_language[dictation.language])
        scores.setdefault((row["condition"], row["mode"]), Score()).add(dictation, heard, autotext_sections)
    return scores


def sweep_pause(pauses: list[float], recorded_file: Path, by_id: dict, conditions: list[str], modes: list[str],
                settings, autotext_sections: dict[str, str]) -> int:  # noqa: ANN001
    """How long a gap in the word times must be to count as a pause, chosen on data: the audio
    set's recall and precision (every condition) against false commands on real Danish speech."""
    import eval_negatives
    from evallib import utterances_from_json

    import dictate.interpret.interpreter as interpreter_module

    recorded = load_recorded(recorded_file)
    negatives = eval_negatives.load_recorded(ROOT / "tests" / "data" / "danish_negatives.json")
    danish = eval_negatives.note_settings()
    print(f"{'pause s':>7} {'mode':<7} {'precision':>9} {'recall':>6} {'placement':>9}  Danish false commands")
    for pause in pauses:
        interpreter_module.PAUSE = pause
        fired = sum(len(eval_negatives.false_alarms(danish, utterances_from_json(rows)))
                    for entry in negatives for clip in entry["clips"].values() for rows in clip.values())
        for mode in modes:
            score = Score()
            for row in recorded["heard"]:
                if row["id"] in by_id and row["condition"] in conditions and row["mode"] == mode:
                    score.add(by_id[row["id"]], interpret(utterances_from_json(row["utterances"]), settings),
                              autotext_sections)
            print(f"{pause:>7.2f} {mode:<7} {score.precision:>9.3f} {score.recall:>6.3f} {score.placement:>9.3f}  "
                  f"{fired}")
    return 0


def breakdown(scores: dict, table: str, key) -> str:  # noqa: ANN001
    """Recall for one pause or voice over every condition and mode, as heard/expected."""
    heard = sum(getattr(s, table).get(key, [0, 0])[0] for s in scores.values())
    total = sum(getattr(s, table).get(key, [0, 0])[1] for s in scores.values())
    return f"{heard / total:.2f} ({total})" if total else "-"



def kind(expect: str) -> str:
    return expect.partition(":")[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SET)
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--ids", default="", help="only these dictations (comma-separated)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N dictations")
    parser.add_argument("--save", type=Path, help="write each condition's audio here as WAV")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--record", type=Path, help="write what the model heard here (JSON), for --rescore")
    parser.add_argument("--rescore", type=Path, help="score a --record file again with today's interpreter, "
                        "without the model")
    parser.add_argument("--check", action="store_true", help="exit 1 when snr20 misses the targets")
    parser.add_argument("--compose", type=int, metavar="N", help="print a new set of N dictations and stop")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--sweep-pause", metavar="S,S,...", help="with --rescore: recall and precision for each "
                        "of these pause lengths (the interpreter's PAUSE), and the false commands on the recorded "
                        "Danish speech of tests/data/danish_negatives.json")
    parser.add_argument("--hints", action="store_true", help="give the model the templates' hints, as "
                        "`dictate listen --hints` does")
    parser.add_argument("--hint-text", help="give the model this hint text instead (an experiment)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each dictation that was not perfect")
    args = parser.parse_args(argv)
    if args.compose:
        sys.stdout.write(compose(args.compose, args.seed))
        return 0

    conditions = [c for c in args.conditions.split(",") if c]
    modes = [m for m in args.modes.split(",") if m]
    needed = ["espeak-ng"] + (["sox"] if "echo" in conditions else [])
    missing = [tool for tool in needed if shutil.which(tool) is None]
    if missing and not args.rescore:
        print(f"missing: {' '.join(missing)} (sudo apt-get install {' '.join(missing)})", file=sys.stderr)
        return 69
    dictations = load_set(args.set)
    if args.ids:
        wanted = set(args.ids.split(","))
        dictations = [d for d in dictations if d.id in wanted]
    if args.limit:
        dictations = dictations[:args.limit]

    from evallib import backend, machine, utterances_to_json

    from dictate.runtime.session import SessionSettings, load_recogniser, prepare

    session = prepare(SessionSettings(language="en", layout="fsiii", hints=args.hints))
    settings = session.settings
    # Each dictation is heard and interpreted in its own language (one model for all).
    by_language = {"en": settings}
    for language in sorted({d.language for d in dictations} - {"en"}):
        by_language[language] = prepare(SessionSettings(language=language, layout="fsiii", hints=args.hints)).settings
    autotext_sections = {a.id: a.headings.get("fsiii") for a in settings.autotexts}
    by_id = {d.id: d for d in dictations}
    scores: dict[tuple[str, str], Score] = {}
    if args.sweep_pause:
        if not args.rescore:
            parser.error("--sweep-pause needs --rescore FILE")
        return sweep_pause([float(v) for v in args.sweep_pause.split(",")], args.rescore, by_id, conditions, modes,
                           settings, autotext_sections)
    if args.rescore:
        # What the model heard, recorded by --record, through today's interpreter: no model needed.
        recorded = load_recorded(args.rescore)
        print(f"machine (recorded): {recorded['machine']}; backend: {recorded['backend']}")
        scores = rescore(recorded["heard"], by_id, by_language, autotext_sections, conditions, modes)
    else:
        recogniser = load_recogniser(session)
        if args.hint_text:
            recogniser.hotwords = args.hint_text
        mkl = backend()["CT2_USE_MKL"] or "default"
        print(f"machine: {machine()}; backend: CT2_USE_MKL={mkl}" + ("; hints on" if args.hints else "")
              + (f"; hint text {args.hint_text!r}" if args.hint_text else ""))
        print(f"set: {args.set.name}, {len(dictations)} dictations, "
              f"{sum(len(d.expected) for d in dictations)} commands")
        record = []
        audio_seconds = 0.0
        started = time.perf_counter()
        for dictation in dictations:
            spoken = speak(dictation)
            audio_seconds += len(spoken.samples) / SAMPLE_RATE
            seed = zlib.crc32(dictation.id.encode())
            for name in conditions:
                samples = condition(spoken, name, seed)
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    _write_wav(args.save / f"{dictation.id}_{name}.wav", samples)
                for mode in modes:
                    spoken_in = by_language[dictation.language]
                    utterances = (hear_offline if mode == "offline" else hear_live)(samples, recogniser, spoken_in)
                    record.append({"id": dictation.id, "condition": name, "mode": mode,
                                   "utterances": utterances_to_json(utterances)})
                    heard = interpret(utterances, spoken_in)
                    scores.setdefault((name, mode), Score()).add(dictation, heard, autotext_sections)
            if args.record:  # after each dictation, so a long run that is stopped keeps what it heard
                args.record.write_text(json.dumps({"machine": machine(), "backend": backend(),
                                                   "set": args.set.name, "heard": record}), encoding="utf-8")
        print(f"{audio_seconds / 60:.1f} min of audio per condition, {time.perf_counter() - started:.0f} s in all")
    kinds = sorted({k for s in scores.values() for k in s.expected})
    print(f"{'condition':<9} {'mode':<7} {'precision':>9} {'recall':>6} {'false':>5} {'placement':>9} {'notices':>7}  "
          + "  ".join(f"{k}" for k in kinds))
    for (name, mode), score in scores.items():
        per_kind = "  ".join(f"{score.right[k]}/{score.expected[k]}".rjust(len(k)) for k in kinds)
        print(f"{name:<9} {mode:<7} {score.precision:>9.3f} {score.recall:>6.3f} {score.false:>5} "
              f"{score.placement:>9.3f} {score.notices:>7}  {per_kind}")
    print("recall by the pause before the command (s): "
          + "  ".join(f"{pause}: {breakdown(scores, 'by_pause', pause)}"
                      for pause in sorted({k for s in scores.values() for k in s.by_pause})))
    print("recall by voice: " + "  ".join(f"{voice}: {breakdown(scores, 'by_voice', voice)}"
                                          for voice in sorted({k for s in scores.values() for k in s.by_voice})))
    if args.verbose:
        for (name, mode), score in scores.items():
            for failure in score.failures:
                print(f"  [{name} {mode}] {failure}")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine(), "dictations": len(dictations), "rescored": str(args.rescore or ""),
            "results": [{"condition": name, "mode": mode, "precision": s.precision, "recall": s.recall,
                         "placement": s.placement, "false": s.false, "notices": s.notices, "acted": s.acted,
                         "expected": dict(s.expected), "right": dict(s.right)}
                        for (name, mode), s in scores.items()]}, indent=2), encoding="utf-8")
    print(f"targets at snr20: recall >= {TARGET_RECALL}, precision >= {TARGET_PRECISION}")
    if args.check:
        missed = [f"{m}" for (c, m), s in scores.items()
                  if c == "snr20" and (s.recall < TARGET_RECALL or s.precision < TARGET_PRECISION)]
        if missed:
            print(f"missed at snr20: {', '.join(missed)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
