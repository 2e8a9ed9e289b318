"""Errors that carry the exit code the CLI should end with.

Messages are written for the person at the terminal: what went wrong, where,
and what to do about it. They never contain transcript text.
"""

from __future__ import annotations

from dictate.exit_codes import ExitCode


class DictateError(Exception):
    exit_code: ExitCode = ExitCode.FAILURE
    #: what failed, for a view that says it in its own words: "error", "model", "device", "portaudio"
    kind: str = "error"

    def __init__(self, message: str, *, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self.args[0])


class UsageError(DictateError):
    """A command-line value that cannot be right (a malformed --subject, say)."""

    exit_code = ExitCode.USAGE


class ModelError(DictateError):
    """No usable speech model (missing, incomplete, wrong checksum, not a model)."""

    exit_code = ExitCode.UNAVAILABLE
    kind = "model"


class DeviceError(DictateError):
    """No usable audio input: no such device, or it cannot be opened."""

    exit_code = ExitCode.DEVICE
    kind = "device"


class PortAudioError(DeviceError):
    """The PortAudio library (or the sounddevice package) is missing: no microphone at all."""

    kind = "portaudio"


class AudioError(DictateError):
    """An input file could not be turned into audio samples."""

    exit_code = ExitCode.DATAERR


class TemplateError(DictateError):
    """A template file is broken. `location` is 'file:line' where known."""

    exit_code = ExitCode.CONFIG

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None, exit_code: ExitCode | None = None) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.detail = message  # the message without the location
        where = ""
        if path:
            where = path + (f":{line}" if line else "")
            if field:
                where += f" ({field})"
            where += ": "
        super().__init__(where + message, exit_code=exit_code)
