"""The command line: `dictate transcribe FILE...` and friends.

Unix manners: note data on stdout, everything else on stderr, exit codes from
`dictate.exit_codes`, a closed pipe ends the run quietly. Nothing written to
stderr contains transcript text.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import TextIO

from dictate import __version__
from dictate.errors import DictateError, TemplateError
from dictate.exit_codes import ExitCode

log = logging.getLogger("dictate")

FORMATS = ("text", "markdown", "json")


def _setup_logging(verbosity: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("dictate: %(message)s"))
    root = logging.getLogger("dictate")
    root.handlers[:] = [handler]
    root.propagate = False
    root.setLevel({-1: logging.WARNING, 0: logging.INFO}.get(verbosity, logging.DEBUG))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dictate",
        description="Offline dictation for care staff: speech in, a headed journal note out.",
    )
    parser.add_argument("--version", action="version", version=f"dictate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    t = commands.add_parser("transcribe", help="turn recorded dictations into notes on stdout",
                            description="Transcribe recorded dictations; print one note per file.")
    t.add_argument("files", nargs="+", metavar="FILE",
                   help="audio files: wav, flac, mp3, ogg, m4a (and what FFmpeg reads)")
    t.add_argument("--language", "-l", default="da", help="spoken language (default: da)")
    t.add_argument("--format", "-f", choices=FORMATS, default="text", help="output format (default: text)")
    t.add_argument("--layout", default="fsiii",
                   help="note layout: fsiii, soap, or a path to a layout .yaml (default: fsiii)")
    t.add_argument("--model", "-m", default="base",
                   help="model: 'base' (embedded), a NAME in models/, or a model directory")
    t.add_argument("--beam-size", type=int, default=5, help="beam search width (default: 5)")
    t.add_argument("--pretty", action="store_true", help="indent JSON (default: one note per line)")
    _verbosity(t)

    li = commands.add_parser("listen", help="live dictation, headless: events or a note on stdout",
                             description="Transcribe live from the microphone (or a file replayed as if "
                                         "live) and write JSON Lines events, ending with the note.")
    src = li.add_mutually_exclusive_group()
    src.add_argument("--input", "-i", metavar="FILE", help="replay a recorded file instead of the microphone")
    src.add_argument("--device", "-d", metavar="X", help="microphone by number or (part of its) name "
                                                         "(default: the system's default input)")
    li.add_argument("--realtime", action="store_true", help="with --input: pace the file as if spoken")
    li.add_argument("--format", "-f", choices=("jsonl", "text"), default="jsonl",
                    help="jsonl: live events and the note (default); text: only the finished note")
    li.add_argument("--language", "-l", default="da", help="spoken language (default: da)")
    li.add_argument("--layout", default="fsiii", help="note layout (default: fsiii)")
    li.add_argument("--model", "-m", default="base", help="model, as for transcribe")
    _verbosity(li)

    dv = commands.add_parser("devices", help="list the audio input devices")
    _verbosity(dv)

    m = commands.add_parser("models", help="list the models --model can use")
    _verbosity(m)
    return parser


def _verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity", default=0,
                       help="only warnings and errors on stderr")
    group.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity",
                       help="more detail on stderr")


class _Output:
    """stdout for note data; remembers when the reader has gone away."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed = False

    def write(self, text: str) -> bool:
        if self.closed:
            return False
        try:
            self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            # The reader (`head`, a crashed consumer) is gone. Point stdout at
            # /dev/null so the interpreter's final flush cannot raise again.
            self._silence()
            return False
        except OSError as exc:
            self._silence()
            raise DictateError(f"cannot write the note to standard output: {exc.strerror}",
                               exit_code=ExitCode.IOERR) from None
        return True

    def _silence(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self.stream.fileno())
        os.close(devnull)
        self.closed = True


def _prepare(args: argparse.Namespace, beam_size: int = 5):  # noqa: ANN202
    """Layout, model, language and commands, checked in order of cost. Raises DictateError."""
    from dictate.commands import CommandSet, load_commands
    from dictate.layouts import load_layout
    from dictate.models import resolve_model
    from dictate.note import ModelRef
    from dictate.pipeline import Settings

    language = args.language.strip().lower()
    layout = load_layout(args.layout)
    model = resolve_model(args.model)
    from dictate.whisper import DecodeOptions, WhisperTranscriber

    started = time.perf_counter()
    transcriber = WhisperTranscriber(model, options=DecodeOptions(beam_size=beam_size))
    log.debug("model %s loaded in %.1f s", model.name, time.perf_counter() - started)
    if language not in transcriber.languages:
        raise DictateError(f"'{language}' is not a language the model knows; use a code such as da, en, "
                           f"sv, de (all: {' '.join(transcriber.languages)})", exit_code=ExitCode.USAGE)
    try:
        commands = load_commands(language)
    except TemplateError as exc:
        if exc.exit_code != ExitCode.USAGE:
            raise
        log.warning("no spoken commands for language '%s': the text is kept as spoken", language)
        commands = CommandSet(language=language, heading=(), marks={})
    settings = Settings(layout=layout, commands=commands, language=language,
                        model=ModelRef(name=model.name, sha256=model.sha256))
    return settings, transcriber


def _transcribe(args: argparse.Namespace) -> int:
    from dictate.audio import load_audio
    from dictate.pipeline import transcribe_audio
    from dictate.render import RENDERERS, to_json

    settings, transcriber = _prepare(args, beam_size=args.beam_size)

    if args.format == "json":
        render = (lambda note: to_json(note, indent=2)) if args.pretty else to_json
    else:
        render = RENDERERS[args.format]
    out = _Output(sys.stdout)
    several = len(args.files) > 1 and args.format != "json"
    status = ExitCode.OK
    failed = 0
    for index, name in enumerate(args.files):
        try:
            audio = load_audio(Path(name))
            began = time.perf_counter()
            result = transcribe_audio(audio, transcriber, settings)
        except DictateError as exc:
            log.error("%s", exc.message)
            failed += 1
            status = status or exc.exit_code
            continue
        for notice in result.notices:
            log.warning("%s: %s at %.1f s", name, notice.message, notice.at)
        seconds = time.perf_counter() - began
        sections = len(result.note.filled_sections())
        if result.note.is_empty:
            log.info("%s: no speech found in %.1f s of audio; the note is empty", name, result.audio_seconds)
        else:
            log.info("%s: %.1f s of audio, %d section(s), transcribed in %.1f s", name,
                     result.audio_seconds, sections, seconds)
        header = f"==> {name} <==\n" if several else ""
        separator = "\n" if several and index > 0 else ""
        if not out.write(separator + header + render(result.note)):
            return ExitCode.OK  # the reader closed the pipe: stop quietly
    if failed:
        log.error("%d of %d file(s) could not be transcribed", failed, len(args.files))
    return status


def _listen(args: argparse.Namespace) -> int:
    import signal

    from dictate import events
    from dictate.interpreter import Interpreter
    from dictate.live import make_streamer
    from dictate.note import Note
    from dictate.render import to_text
    from dictate.session import LiveSession
    from dictate.sources import FileSource, SourceStatus

    out = _Output(sys.stdout)
    jsonl = args.format == "jsonl"

    started = False

    def write(line: str) -> None:
        if jsonl and not out.write(line):
            raise _ReaderGone

    def start() -> None:
        """session_start comes first: once audio arrives (the device is open and
        its rate known), or just before an error."""
        nonlocal started
        if not started:
            started = True
            write(events.session_start(note, source.description))
            log.info("listening (%s); say \"%s\" or press Ctrl-C to finish",
                     source.description.get("device") or source.description.get("path"),
                     (settings.commands.end_note or ("Ctrl-C",))[0])

    def emit(line: str) -> None:
        start()
        write(line)

    def on_status(item: SourceStatus) -> None:
        emit(events.status(item, session.streamer.stream_time))

    if args.input:
        source = FileSource(Path(args.input), realtime=args.realtime)
    else:
        from dictate.microphone import MicrophoneSource

        source = MicrophoneSource(device=args.device, on_status=on_status)
    settings, transcriber = _prepare(args)
    from dictate.whisper import StreamingVad

    note = Note(layout=settings.layout, language=settings.language, model=settings.model,
                source=source.description.get("path") or source.description.get("device"))
    session = LiveSession(
        streamer=make_streamer(transcriber, settings.language, vad=StreamingVad()),
        interpreter=Interpreter(layout=settings.layout, commands=settings.commands, language=settings.language),
        note=note,
    )
    # SIGTERM (a service manager, an integrator's timeout) ends the session like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    reason, code = "end_of_stream", ExitCode.OK
    try:
        try:
            for frames in source.frames():
                start()
                _emit_all(emit, events, session, session.push(frames))
                if session.ended:
                    reason = "end_note"
                    break
        except KeyboardInterrupt:
            reason, code = "interrupted", ExitCode.INTERRUPTED
        except DictateError as exc:
            log.error("%s", exc.message)
            emit(events.status(SourceStatus("source_error", exc.message, fatal=True), session.streamer.stream_time))
            reason, code = "source_error", exc.exit_code
        else:
            if reason == "end_of_stream" and source.description.get("kind") == "microphone":
                reason, code = "device_lost", ExitCode.DEVICE
        if hasattr(source, "stop"):
            source.stop()
        _emit_all(emit, events, session, session.finish())
        if jsonl:
            emit(events.final_note(note))
            emit(events.session_end(reason, int(code)))
        else:
            out.write(to_text(note))
    except _ReaderGone:
        return ExitCode.OK
    log.info("session ended (%s)", reason.replace("_", " "))
    return code


class _ReaderGone(Exception):
    """stdout was closed by the reader."""


def _emit_all(emit, events, session, stream_events) -> None:  # noqa: ANN001
    for event in stream_events:
        emit(events.stream_event(event))
    for notice in session.new_notices():
        log.warning("%s at %.1f s", notice.message, notice.at)
        emit(events.notice(notice.message, notice.at))


def _devices(args: argparse.Namespace) -> int:
    from dictate.microphone import input_devices

    for device in input_devices():
        mark = "*" if device.is_default else " "
        print(f"{mark} {device.index:>3}  {device.name}  ({device.channels} ch, "
              f"{device.default_samplerate:g} Hz)")
    return ExitCode.OK


def _models(args: argparse.Namespace) -> int:
    from dictate.models import EMBEDDED_LABEL, EMBEDDED_NAME, check_model_dir
    from dictate.paths import model_search_dirs

    print(f"{EMBEDDED_NAME}\t(embedded {EMBEDDED_LABEL}, int8)")
    for folder in model_search_dirs():
        if not folder.is_dir():
            continue
        for candidate in sorted(p for p in folder.iterdir() if p.is_dir()):
            try:
                check_model_dir(candidate)
            except DictateError as exc:
                log.warning("%s", exc.message)
                continue
            print(f"{candidate.name}\t{candidate}")
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    _setup_logging(args.verbosity)
    try:
        if args.command == "transcribe":
            return int(_transcribe(args))
        if args.command == "models":
            return int(_models(args))
        if args.command == "listen":
            return int(_listen(args))
        if args.command == "devices":
            return int(_devices(args))
    except DictateError as exc:
        log.error("%s", exc.message)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        log.error("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # a bug: say where, but never echo data that might be transcript
        if args.verbosity > 0:
            raise
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        log.error("internal error: %s at %s:%d (run with -v for details)", type(exc).__name__,
                  Path(frame.filename).name, frame.lineno)
        return ExitCode.FAILURE
    parser.error(f"unknown command {args.command}")
    return ExitCode.USAGE
