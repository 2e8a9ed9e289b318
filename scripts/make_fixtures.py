#!/usr/bin/env python3
"""Regenerate the synthetic test dictations in tests/data/ with espeak-ng.

    python scripts/make_fixtures.py            # all scripts in tests/data/dictations.yaml
    python scripts/make_fixtures.py en_soap    # one of them
    python scripts/make_fixtures.py --out DIR en_soap   # somewhere else

Needs espeak-ng (apt install espeak-ng). The WAVs are committed, so the tests
do not need espeak-ng; rerun this only when a script changes. Also writes the
30 s silence and low-noise files used by the bad-input tests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np
import yaml

from dictate.audio import SAMPLE_RATE as RATE

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.clip(samples * 32768.0, -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def speak(text: str, voice: str, speed: int) -> np.ndarray:
    from dictate.audio.decode import load_audio  # resample espeak's 22.05 kHz with the app's own decoder

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        ssml = ["-m"] if "<" in text else []  # pauses are written as SSML <break/>
        subprocess.run(["espeak-ng", *ssml, "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
        audio = load_audio(raw).samples
    pad = np.zeros(int(0.5 * RATE), dtype=np.float32)
    return np.concatenate([pad, audio, pad])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="only these dictations (default: all)")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder (default: tests/data)")
    args = parser.parse_args(argv)
    scripts = yaml.safe_load((DATA / "dictations.yaml").read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    for item in scripts:
        if args.ids and item["id"] not in args.ids:
            continue
        target = args.out / f"{item['id']}.wav"
        write_wav(target, speak(item["text"], item["voice"], int(item["speed"])))
        print(f"wrote {target}", file=sys.stderr)
    if not args.ids:
        rng = np.random.default_rng(20261128)
        write_wav(args.out / "silence_30s.wav", np.zeros(30 * RATE, dtype=np.float32))
        # Low broadband noise, like a quiet room through a headset (about -50 dBFS).
        write_wav(args.out / "noise_30s.wav", (rng.standard_normal(30 * RATE) * 0.003).astype(np.float32))
        print(f"wrote {args.out}/silence_30s.wav and noise_30s.wav", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
