#!/usr/bin/env python3
"""WER and CER of offline and of live (streaming) transcription on any eval manifest.

    python scripts/eval.py MANIFEST.tsv|FOLDER [--model NAME] [--language da]

MANIFEST is a tab-separated file with at least the columns `lang` and `file`
(the audio, relative to the manifest; the reference text is next to it as
.txt), as in ../shared/eval/MANIFEST.tsv; a FOLDER of LANG/NAME.wav + NAME.txt
works too. Offline is the `dictate transcribe` path; live replays each clip
through the streamer as fast as possible. Scores are jiwer's, after
lower-casing, removing punctuation and collapsing whitespace (WER, CER), and
with numbers normalised as well (nWER, nCER: "24" and "fireogtyve" are the same
word; see scripts/numnorm.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from evallib import SCORES_LEGEND, load_clips, replay, score

from dictate.audio import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--model", default="base")
    parser.add_argument("--language", help="only clips in this language")
    args = parser.parse_args(argv)

    from dictate.audio.decode import load_audio
    from dictate.speech.live import make_streamer
    from dictate.speech.models import resolve_model
    from dictate.speech.whisper import StreamingVad, WhisperTranscriber

    clips = [c for c in load_clips(args.source) if not args.language or c.language == args.language]
    if not clips:
        print(f"no clips with reference texts in {args.source}", file=sys.stderr)
        return 66
    transcriber = WhisperTranscriber(resolve_model(args.model))
    columns = ("WER offline", "nWER offline", "WER live", "nWER live",
               "CER offline", "nCER offline", "CER live", "nCER live")
    print(f"{'lang':<5} {'clips':>5} " + " ".join(f"{c:>{max(len(c), 6)}}" for c in columns))
    for language in sorted({c.language for c in clips}):
        mine = [c for c in clips if c.language == language]
        offline, live = [], []
        for clip in mine:
            samples = load_audio(clip.audio).samples
            offline.append(" ".join(w.text for u in transcriber.transcribe(samples, language) for w in u.words))
            pad = np.zeros(SAMPLE_RATE, dtype=np.float32)
            result = replay(np.concatenate([pad, samples, pad]),
                            lambda wrap: make_streamer(transcriber, language, vad=StreamingVad(), wrap=wrap))
            live.append(" ".join(w.text for w in result.words))
        refs = [c.reference for c in mine]
        off, on = score(refs, offline, language), score(refs, live, language)
        figures = (off.wer, off.wer_numbers, on.wer, on.wer_numbers,
                   off.cer, off.cer_numbers, on.cer, on.cer_numbers)
        print(f"{language:<5} {len(mine):>5} "
              + " ".join(f"{f:>{max(len(c), 6)}.3f}" for c, f in zip(columns, figures)))
    print(SCORES_LEGEND)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
