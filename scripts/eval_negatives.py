#!/usr/bin/env python3
"""Real Danish speech as negatives for spoken commands: no command may fire on it.

    python scripts/eval_negatives.py [FOLDER|MANIFEST] [--model base] [--write FILE] [-v]
    python scripts/eval_negatives.py --recorded tests/data/danish_negatives.json

Every Danish clip of FOLDER (default: ../shared/eval/da beside the repository) is run
through the real model twice, the way the product runs it:

- offline: `dictate transcribe`'s path (dictate.runtime.prepare, load_recogniser,
  transcribe_stream: beam 5, VAD, whole file);
- live: `dictate listen`'s streamer (dictate.runtime.live_streamer) replayed on the
  simulated clock of scripts/evallib.py, with 1 s of silence either side; the commits
  are grouped into utterances where the streamer ended one, as the note builder does.

Each clip's utterances (words with their timestamps and probabilities) then go through
a fresh interpreter with the shipped templates: layout fsiii, the Danish commands and
auto-texts, the vocabulary corrector on. What fired is classified as in
scripts/eval_commands.py (autotext:ID, undo, next_field, previous_field, end_note,
heading:KEY), and every notice the interpreter gives (heading_unknown, autotext_unknown,
...) counts too: for a nurse that is a false alarm as well. Exit 1 if anything fired.

`--write FILE` saves what the recogniser heard, per backend (the CT2_USE_MKL and
CT2_FORCE_CPU_ISA settings and the CPU), clip, mode and utterance, into FILE
(tests/data/danish_negatives.json): the entry for this backend is replaced, the others
are kept, so runs under CT2_USE_MKL=0 and =1 merge. tests/unit/test_danish_negatives.py
feeds those recordings through the current interpreter without the model.
`--recorded FILE` does the same from the command line.

There are no recordings of Danish commands: Danish recall is measured on the text-level
set (tests/data/command_accuracy.yaml, scripts/eval_commands.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eval_commands import command_of
from evallib import utterances_from_json, utterances_to_json

from dictate.catalog.loader import load_catalog
from dictate.interpret.interpreter import PAUSE, Interpreter
from dictate.notes.pipeline import NoteSettings
from dictate.words import Utterance

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "eval" / "da"
DEFAULT_FILE = ROOT / "tests" / "data" / "danish_negatives.json"
LANGUAGE = "da"
MODES = ("offline", "live")


def note_settings(templates: Path | None = None) -> NoteSettings:
    """What `dictate transcribe` and `listen` interpret Danish with by default."""
    from dictate.runtime.session import SessionSettings, prepare

    return prepare(SessionSettings(language=LANGUAGE, templates=templates)).settings


def fired(interpreter: Interpreter, utterance: Utterance) -> list[str]:
    """The commands one utterance set off, and the interpreter's notices about it ("notice:CODE")."""
    before = len(interpreter.notices)
    commands = [c for c in map(command_of, interpreter.feed(utterance)) if c is not None]
    return commands + [f"notice:{n.code or n.message}" for n in interpreter.notices[before:]]


def false_alarms(settings: NoteSettings, utterances: list[Utterance]) -> list[tuple[int, str]]:
    """(utterance index, what fired) for a clip's utterances, in order, through one fresh interpreter."""
    interpreter = settings.interpreter()
    return [(i, what) for i, u in enumerate(utterances) for what in fired(interpreter, u)]


# -- the recordings file ------------------------------------------------------------



def load_recorded(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["backends"]


def write_recorded(path: Path, entry: dict, about: str) -> None:
    """Replace this backend's entry in `path`, keep the others."""
    key = {k: entry["backend"][k] for k in ("CT2_USE_MKL", "CT2_FORCE_CPU_ISA", "cpu")}
    entries = load_recorded(path) if path.is_file() else []
    entries = [e for e in entries if {k: e["backend"].get(k, "") for k in key} != key] + [entry]
    entries.sort(key=lambda e: (e["backend"]["cpu"], e["backend"]["CT2_USE_MKL"], e["backend"]["CT2_FORCE_CPU_ISA"]))
    # One utterance a line: readable diffs, and merging by hand stays possible.
    lines = ["{", f'  "about": {json.dumps(about, ensure_ascii=False)},', '  "backends": [']
    for n, e in enumerate(entries):
        lines.append("    {")
        lines.append(f'      "backend": {json.dumps(e["backend"], ensure_ascii=False)},')
        lines.append('      "clips": {')
        clips = list(e["clips"].items())
        for c, (name, modes) in enumerate(clips):
            lines.append(f"        {json.dumps(name)}: {{")
            for m, mode in enumerate(MODES):
                utterances = modes[mode]
                body = ",\n".join(f"            {json.dumps(u, ensure_ascii=False)}" for u in utterances)
                lines.append(f'          "{mode}": [' + (f"\n{body}\n          ]" if utterances else "]")
                             + ("," if m < len(MODES) - 1 else ""))
            lines.append("        }" + ("," if c < len(clips) - 1 else ""))
        lines.append("      }")
        lines.append("    }" + ("," if n < len(entries) - 1 else ""))
    lines += ["  ]", "}", ""]
    text = "\n".join(lines)
    json.loads(text)  # what we wrote reads back
    path.write_text(text, encoding="utf-8")


ABOUT = ("What Whisper base (int8) heard on the 13 Danish NST read-speech clips of ../shared/eval/da "
         "(CC0), offline and live, per CTranslate2 backend: per clip and mode a list of utterances, each a "
         "list of [word, start s, end s, probability]. Written by scripts/eval_negatives.py --write; "
         "tests/unit/test_danish_negatives.py checks that no command fires on any of it.")


# -- running the model ----------------------------------------------------------------

def hear(clips: list, model: str) -> dict[str, dict[str, list[Utterance]]]:
    """{clip name: {"offline": utterances, "live": utterances}} from the real model."""
    import numpy as np
    from evallib import replay

    from dictate.audio import SAMPLE_RATE
    from dictate.audio.decode import load_audio, stream_audio
    from dictate.notes.pipeline import transcribe_stream
    from dictate.runtime.session import SessionSettings, live_streamer, load_recogniser, prepare

    dictation = prepare(SessionSettings(language=LANGUAGE, model=model))
    recogniser = load_recogniser(dictation)
    heard: dict[str, dict[str, list[Utterance]]] = {}
    for clip in clips:
        offline = transcribe_stream(stream_audio(clip.audio), recogniser.transcriber, dictation.settings,
                                    source=str(clip.audio), hotwords=recogniser.hotwords).utterances
        pad = np.zeros(SAMPLE_RATE, dtype=np.float32)  # 1 s of silence either side, as bench_stream.py
        live = replay(np.concatenate([pad, load_audio(clip.audio).samples, pad]),
                      lambda wrap: live_streamer(recogniser, LANGUAGE, wrap=wrap)).utterances
        heard[clip.audio.stem] = {"offline": offline, "live": live}
        words = {m: sum(len(u.words) for u in us) for m, us in heard[clip.audio.stem].items()}
        print(f"  {clip.audio.stem}: offline {len(offline)} utt / {words['offline']} words, "
              f"live {len(live)} utt / {words['live']} words", file=sys.stderr)
    return heard


def report(label: str, settings: NoteSettings, heard: dict[str, dict[str, list[Utterance]]],
           verbose: bool) -> int:
    """Print one backend's figures per mode; the number of false alarms."""
    total = 0
    for mode in MODES:
        clips = {name: modes[mode] for name, modes in heard.items()}
        utterances = sum(len(us) for us in clips.values())
        words = sum(len(u.words) for us in clips.values() for u in us)
        pauses = sum(b.start - a.end >= PAUSE
                     for us in clips.values() for u in us for a, b in zip(u.words, u.words[1:]))
        alarms = []
        for name, us in clips.items():
            for i, what in false_alarms(settings, us):
                alarms.append((name, i, what, " ".join(w.text for w in us[i].words)))
        total += len(alarms)
        print(f"{label} {mode:<7}: {len(clips)} clips, {utterances} utterances, {words} words, "
              f"{pauses} pause(s) >= {PAUSE} s inside them; {len(alarms)} command(s) fired")
        for name, i, what, text in alarms:
            print(f"    {name} #{i}: {what}  <- {text!r}")
        if verbose:
            for name, us in clips.items():
                for u in us:
                    print(f"    {name}: {' '.join(w.text for w in u.words)}")
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="a folder of Danish clips (NAME.wav + NAME.txt) or a MANIFEST.tsv "
                             f"(default: {DEFAULT_SOURCE})")
    parser.add_argument("--model", default="base")
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help=f"save what was heard under this backend's entry (e.g. {DEFAULT_FILE.relative_to(ROOT)})")
    parser.add_argument("--recorded", type=Path, metavar="FILE",
                        help="no model: check the recordings saved in FILE, every backend")
    parser.add_argument("--templates", type=Path, help="templates folder (default: the shipped ones)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every utterance")
    args = parser.parse_args(argv)
    catalog = load_catalog(args.templates)
    for problem in catalog.problems:
        print(f"template problem: {problem}", file=sys.stderr)
    settings = note_settings(args.templates)

    if args.recorded:
        alarms = 0
        for entry in load_recorded(args.recorded):
            b = entry["backend"]
            label = f"CT2_USE_MKL={b['CT2_USE_MKL'] or '-'}" + (
                f" ISA={b['CT2_FORCE_CPU_ISA']}" if b["CT2_FORCE_CPU_ISA"] else "")
            print(f"{label}: {b['cpu']}")
            heard = {name: {m: utterances_from_json(modes[m]) for m in MODES} for name, modes in entry["clips"].items()}
            alarms += report(label, settings, heard, args.verbose)
        return 1 if alarms else 0

    import evallib

    clips = [c for c in evallib.load_clips(args.source) if c.language == LANGUAGE]
    if not clips:
        print(f"no Danish clips with references in {args.source}", file=sys.stderr)
        return 66
    b = evallib.backend()
    print(f"machine: {evallib.machine()}; CT2_USE_MKL={b['CT2_USE_MKL'] or '-'}"
          f"{' CT2_FORCE_CPU_ISA=' + b['CT2_FORCE_CPU_ISA'] if b['CT2_FORCE_CPU_ISA'] else ''}")
    heard = hear(clips, args.model)
    alarms = report(f"CT2_USE_MKL={b['CT2_USE_MKL'] or '-'}", settings, heard, args.verbose)
    if args.write:
        entry = {"backend": b, "clips": {name: {m: utterances_to_json(modes[m]) for m in MODES}
                                         for name, modes in sorted(heard.items())}}
        write_recorded(args.write, entry, ABOUT)
        print(f"wrote {args.write}", file=sys.stderr)
    return 1 if alarms else 0


if __name__ == "__main__":
    sys.exit(main())
