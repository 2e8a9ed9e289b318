"""What the tests share: paths, running the real `dictate`, the app in tmux, word recall,
test utterances and encoded audio. Fixtures are in conftest.py."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.words import Utterance, Word

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> Run:
    """Run `python -m dictate ARGS` as a user would, capturing both streams."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "dictate", *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=ROOT)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def listen_until_committed(env: dict[str, str], *options: str, words: int = 3) -> tuple[subprocess.Popen, list[str]]:
    """`dictate listen --realtime` on en_live.wav (jsonl on stdout), read until `words` words are
    committed: the still-running process, to be killed or left, and the words committed so far."""
    import json

    live = subprocess.Popen([sys.executable, "-m", "dictate", "listen", "-l", "en", *options, "--realtime", "--input",
                             str(DATA / "en_live.wav")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, cwd=ROOT, env=env)
    assert live.stdout is not None
    seen: list[str] = []
    for line in live.stdout:
        event = json.loads(line)
        if event["type"] == "commit":
            seen += [w["text"] for w in event["words"]]
        if len(seen) >= words:
            break
    return live, seen


_SESSIONS = itertools.count()


class Tmux:
    """A detached tmux session running one shell command: the app as a user meets it."""

    def __init__(self, command: str, *, width: int = 100, height: int = 30) -> None:
        self.name = f"dictate-test-{os.getpid()}-{next(_SESSIONS)}"  # never reused, unlike id()
        # A tmux server started from a shell that exported COLUMNS and LINES passes them on,
        # and they would fix every program's idea of the terminal's size.
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                        f"unset COLUMNS LINES; {command}"], check=True, capture_output=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True, check=False).stdout

    def wait_for(self, text: str, timeout: float, exited: Path | None = None) -> str:
        """The screen once it shows `text`; fails with the last screen after `timeout` seconds,
        or at once when the file `exited` appears (the command wrote its exit status there)."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text not in screen:
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{screen}"
            assert exited is None or not exited.exists(), f"exited ({exited.read_text().strip()}):\n{screen}"
            time.sleep(0.5)
            screen = self.screen()
        return screen

    def pid(self) -> int:
        """The process the pane runs (with `exec`, the command itself)."""
        return int(subprocess.run(["tmux", "display", "-p", "-t", self.name, "#{pane_pid}"],
                                  capture_output=True, text=True, check=True).stdout)

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True, capture_output=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, check=False)

    def __enter__(self) -> "Tmux":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_for_file(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


# -- what was said --------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def recall(reference: str, hypothesis: str, ignore: set[str] = frozenset()) -> float:
    ref = Counter(w for w in words(reference) if w not in ignore)
    hyp = Counter(words(hypothesis))
    if not ref:
        return 1.0
    return sum(min(n, hyp[w]) for w, n in ref.items()) / sum(ref.values())


def utt(text: str, start: float = 0.0) -> Utterance:
    """Whisper-like words 0.4 s apart (0.1 s gaps: no pause between them)."""
    words = []
    t = start
    for piece in text.split():
        words.append(Word(text=piece, start=t, end=t + 0.3, probability=0.9))
        t += 0.4
    return Utterance(tuple(words))


def encode(samples: np.ndarray, path: Path, codec: str, rate: int = 44_100) -> Path:
    """Write float samples with FFmpeg through PyAV, resampled to `rate` stereo."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "stereo"
        frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16).reshape(1, -1),
                                           format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        resampler = av.AudioResampler(format=stream.format.name, layout="stereo", rate=rate)
        for converted in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(converted):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


#: Words of en_live.wav's spoken commands: they become structure ("period" a "."), not text.
COMMAND_WORDS = {"heading", "period", "comma", "end", "note"}


def spoken_text(words: list[str]) -> list[str]:
    """The committed words that must be in a note's text as words (commands become structure)."""
    plain = [w.strip(".,?!").casefold() for w in words]
    return [w for w in plain if w and w not in COMMAND_WORDS]
