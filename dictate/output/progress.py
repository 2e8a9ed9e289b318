"""A progress line for long batch runs, drawn in place on a terminal's stderr.

Only a terminal gets it: piped or logged stderr keeps one plain log line per
file, which is what a script wants. It never shows transcript text, only
counts, times and the file name being worked on.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

#: Redraw at most this often (s): a bar is for eyes, not a busy loop.
MIN_REDRAW = 0.1


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@dataclass
class ProgressLine:
    stream: TextIO
    total_files: int
    width: int = 20
    now: Callable[[], float] = time.monotonic
    #: audio seconds finished, and the wall time that took: the rate for "time left"
    audio_done: float = 0.0
    files_done: int = 0
    _name: str = ""
    _duration: float = 0.0
    _position: float = 0.0
    _file_started: float = 0.0
    _busy: float = 0.0
    _shown: str = field(default="", repr=False)
    _drawn_at: float = field(default=float("-inf"), repr=False)

    @staticmethod
    def wanted(stream: TextIO) -> bool:
        """A bar only on an interactive terminal that can redraw a line."""
        try:
            return stream.isatty() and os.environ.get("TERM", "") != "dumb"
        except (AttributeError, ValueError):
            return False

    def start_file(self, name: str, duration: float) -> None:
        self._name, self._duration, self._position = name, duration, 0.0
        self._file_started = self.now()
        self._draw(force=True)

    def advance(self, position: float) -> None:
        """The audio time (s) decoded so far in the current file."""
        self._position = min(max(position, self._position), self._duration)
        self._draw()

    def finish_file(self) -> None:
        self.files_done += 1
        self.audio_done += self._duration
        self._busy += self.now() - self._file_started
        self._name, self._duration, self._position = "", 0.0, 0.0
        self._draw(force=True)

    def text(self) -> str:
        fraction = (self.files_done + (self._position / self._duration if self._duration else 0.0)) / max(
            1, self.total_files)
        filled = int(round(fraction * self.width))
        parts = [f"[{'#' * filled}{'.' * (self.width - filled)}] {self.files_done}/{self.total_files} files"]
        if self._name:
            parts.append(f"{_clock(self._position)}/{_clock(self._duration)} of {self._name}")
        left = self._seconds_left()
        if left is not None:
            parts.append(f"about {_clock(left)} left")
        return " | ".join(parts)

    def _seconds_left(self) -> float | None:
        """From the wall time per audio second so far; unknown until something is done."""
        busy = self._busy + (self.now() - self._file_started if self._name else 0.0)
        done = self.audio_done + self._position
        if done <= 0 or busy <= 0:
            return None
        per_second = busy / done
        left_in_file = (self._duration - self._position) * per_second
        files_left = self.total_files - self.files_done - (1 if self._name else 0)
        per_file = busy / max(1e-9, self.files_done + (self._position / self._duration if self._duration else 0))
        return left_in_file + files_left * per_file

    def clear(self) -> None:
        """Take the line away so a log message can be printed on a clean line."""
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = ""

    def redraw(self) -> None:
        self._draw(force=True)

    def close(self) -> None:
        self.clear()

    def _draw(self, force: bool = False) -> None:
        moment = self.now()
        if not force and moment - self._drawn_at < MIN_REDRAW:
            return
        self._drawn_at = moment
        line = self.text()
        self.stream.write("\r\x1b[2K" + line)
        self.stream.flush()
        self._shown = line
