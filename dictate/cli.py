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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from dictate import __version__
from dictate.errors import DictateError
from dictate.exit_codes import ExitCode

log = logging.getLogger("dictate")

#: Every command writes the same formats: a note (text, markdown, json, fhir) or the event stream (jsonl).
FORMATS = ("text", "markdown", "json", "jsonl", "fhir")
FORMAT_HELP = ("text: the note; markdown: the note with front matter; json: the note with words, timings and "
               "review flags; jsonl: the event stream ending with the note; fhir: an R4 document Bundle")
KEEP_AUDIO_HELP = ("also store the dictated audio as a WAV file beside the drafts (mode 0600, purged with "
                   "them); off by default: audio is never stored")


class _StderrHandler(logging.StreamHandler):
    """Log lines on stderr that step around a progress line, if one is showing."""

    progress = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.progress is not None:
            self.progress.clear()
        super().emit(record)
        if self.progress is not None:
            self.progress.redraw()


def _show_progress(progress) -> None:  # noqa: ANN001 - ProgressLine | None
    for handler in logging.getLogger("dictate").handlers:
        if isinstance(handler, _StderrHandler):
            handler.progress = progress


def _setup_logging(verbosity: int) -> None:
    handler = _StderrHandler(sys.stderr)
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
    t.add_argument("--format", "-f", choices=FORMATS, default="text", help=FORMAT_HELP + " (default: text)")
    t.add_argument("--layout", default="fsiii",
                   help="note layout: fsiii, soap, or a path to a layout .yaml (default: fsiii)")
    t.add_argument("--model", "-m", default="base",
                   help="model: 'base' (embedded), a NAME in models/, or a model directory")
    t.add_argument("--beam-size", type=int, default=5, help="beam search width (default: 5)")
    t.add_argument("--pretty", action="store_true", help="indent json and fhir (default: one note per line)")
    t.add_argument("--output", "-o", metavar="FILE",
                   help="write the notes to FILE atomically (temp file, fsync, rename) instead of stdout")
    _record_options(t)
    _template_options(t)
    _verbosity(t)

    li = commands.add_parser("listen", help="live dictation, headless: events or a note on stdout",
                             description="Transcribe live from the microphone (or a file replayed as if "
                                         "live) and write JSON Lines events, ending with the note.")
    src = li.add_mutually_exclusive_group()
    src.add_argument("--input", "-i", metavar="FILE", help="replay a recorded file instead of the microphone")
    src.add_argument("--device", "-d", metavar="X", help="microphone by number or (part of its) name "
                                                         "(default: the system's default input)")
    li.add_argument("--realtime", action="store_true", help="with --input: pace the file as if spoken")
    li.add_argument("--format", "-f", choices=FORMATS, default="jsonl",
                    help="jsonl: live events and the note (default); text, markdown, json, fhir: only the "
                         "finished note")
    li.add_argument("--language", "-l", default="da", help="spoken language (default: da)")
    li.add_argument("--layout", default="fsiii", help="note layout (default: fsiii)")
    li.add_argument("--model", "-m", default="base", help="model, as for transcribe")
    li.add_argument("--keep-audio", action="store_true", help=KEEP_AUDIO_HELP)
    li.add_argument("--recover", action="store_true",
                    help="print the notes left unfinished by a crash (from their drafts), then remove the drafts")
    _record_options(li)
    _template_options(li)
    _verbosity(li)

    tp = commands.add_parser("templates", help="check or list the coordinators' template files",
                             description="Check or list layouts, command words, auto-texts and vocabulary.")
    tsub = tp.add_subparsers(dest="templates_command", metavar="ACTION", required=True)
    tc = tsub.add_parser("check", help="list every problem in the template files; exit 1 if any error")
    tc.add_argument("directory", nargs="?", metavar="DIR", help="templates folder (default: the one in use)")
    _verbosity(tc)
    tl = tsub.add_parser("list", help="show what is loaded")
    tl.add_argument("directory", nargs="?", metavar="DIR", help="templates folder (default: the one in use)")
    tl.add_argument("--language", "-l", default="da", help="language of titles and triggers (default: da)")
    _verbosity(tl)

    dv = commands.add_parser("devices", help="list the audio input devices")
    _verbosity(dv)

    m = commands.add_parser("models", help="list the models --model can use")
    _verbosity(m)
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    """`dictate` with no command: the terminal app."""
    parser = argparse.ArgumentParser(
        prog="dictate",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Offline dictation for care staff. With no command, the dictation app opens\n"
                    "(the options below); a command does one job without the screen.",
        epilog="""commands (dictate COMMAND --help for each):
  transcribe FILE...   recorded dictations to notes on stdout
  listen               live dictation without a screen: JSON Lines events, then the note
  listen --recover     the notes a crash left unfinished
  templates check|list the coordinators' template files
  devices              the microphones
  models               the models --model can use

The app's keys: F9/Space record or pause, F10 finish, Ctrl+Z undo, Tab next field,
F3 auto-text, F2 heading, F4 edit text, F1 help (what can be said), F8 discard,
Ctrl+Q close (finished notes go to stdout or --output).

For IT: the microphone needs the PortAudio library (Debian/Ubuntu: sudo apt install
libportaudio2); diagnostics, never transcript text, are in
~/.local/state/dictate/log/dictate.log (or $DICTATE_LOG_DIR).""")
    parser.add_argument("--version", action="version", version=f"dictate {__version__}")
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--device", "-d", metavar="X", help="microphone by number or (part of its) name")
    src.add_argument("--input", "-i", metavar="FILE", help="replay a recorded file as if live (demos, tests)")
    parser.add_argument("--fast", action="store_true", help="with --input: replay as fast as possible")
    parser.add_argument("--language", "-l", default="da", help="spoken language (default: da)")
    parser.add_argument("--layout", default="fsiii", help="note layout (default: fsiii)")
    parser.add_argument("--model", "-m", default="base", help="model, as for transcribe")
    parser.add_argument("--ui-language", choices=("da", "en"), default="da", help="language of the app (default: da)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text",
                        help="format of the finished notes on stdout: " + FORMAT_HELP + " (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write the finished notes to FILE atomically instead of stdout")
    parser.add_argument("--keep-audio", action="store_true", help=KEEP_AUDIO_HELP)
    _record_options(parser)
    _template_options(parser)
    _verbosity(parser)
    return parser


def _record_options(parser: argparse.ArgumentParser) -> None:
    """Who the note is about and who wrote it: only the integrator knows, so only fhir asks."""
    parser.add_argument("--subject", metavar="REF",
                        help="fhir: the patient as a FHIR reference, e.g. Patient/123 (default: a placeholder "
                             "marked data-absent)")
    parser.add_argument("--author", metavar="REF",
                        help="fhir: the author as a FHIR reference, e.g. Practitioner/abc (default: a placeholder)")


def _note_renderer(args: argparse.Namespace):  # noqa: ANN202
    """Note -> output text for --format; for jsonl, the finished note as one `note` event."""
    if args.format == "jsonl":
        from dictate.output.events import final_note

        return final_note
    from dictate.output.render import render_note

    fmt = args.format
    pretty = bool(getattr(args, "pretty", False))
    subject, author = getattr(args, "subject", None), getattr(args, "author", None)
    if fmt == "fhir":
        # Checked now, before any audio is decoded: a mistyped --subject must not cost a dictation.
        from dictate.output.fhir import check_reference

        for option, value in (("--subject", subject), ("--author", author)):
            if value is not None:
                check_reference(value, option)
    return lambda note: render_note(note, fmt, subject=subject, author=author, pretty=pretty)


def _template_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", metavar="DIR",
                        help="templates folder (default: $DICTATE_TEMPLATES, else the shipped templates)")
    parser.add_argument("--no-vocabulary", action="store_true",
                        help="do not correct near-miss words to the care vocabulary")
    parser.add_argument("--hints", action="store_true",
                        help="give the speech model the auto-text triggers and vocabulary as hints (off by "
                             "default: with the stock base model they make Danish worse)")


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


class _FileOutput:
    """`--output FILE`: notes collected, then written atomically (temp file, fsync, rename).

    A reader of FILE sees the old content or all of the new, never half a note;
    if the disk is full the old file stays and the error says so. Only a regular
    file (or a new path) is replaced: a symlink is followed and its target replaced,
    and a device, FIFO or socket (`/dev/stdout`, `/dev/null`, a named pipe) is
    written to directly, never turned into a file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts: list[str] = []
        self.closed = False

    def write(self, text: str) -> bool:
        self.parts.append(text)
        return True

    def commit(self) -> None:
        import stat
        import tempfile

        try:
            mode = os.stat(self.path).st_mode  # follows symlinks
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise DictateError(f"{self.path}: cannot write the output: {exc.strerror}",
                               exit_code=ExitCode.IOERR) from None
        if mode is not None and stat.S_ISDIR(mode):
            raise DictateError(f"{self.path}: is a folder; give a file name", exit_code=ExitCode.IOERR)
        if mode is not None and not stat.S_ISREG(mode):
            self._write_through()
            return
        target = Path(os.path.realpath(self.path))  # a symlink stays, its target is replaced
        folder = target.parent
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise DictateError(f"{self.path}: cannot write the output: {exc.strerror}",
                               exit_code=ExitCode.IOERR) from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600, health data
                handle.write("".join(self.parts))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
            directory = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(directory)  # the rename itself survives a power cut
            finally:
                os.close(directory)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            raise DictateError(f"{self.path}: cannot write the output: {exc.strerror}",
                               exit_code=ExitCode.IOERR) from None


    def _write_through(self) -> None:
        """A device, FIFO or socket: written to as it is (there is nothing to replace)."""
        try:
            with open(self.path, "w", encoding="utf-8") as handle:
                handle.write("".join(self.parts))
                handle.flush()
        except OSError as exc:
            raise DictateError(f"{self.path}: cannot write the output: {exc.strerror}",
                               exit_code=ExitCode.IOERR) from None


def _output(args: argparse.Namespace) -> _Output | _FileOutput:
    return _FileOutput(Path(args.output)) if getattr(args, "output", None) else _Output(sys.stdout)


def _choices(args: argparse.Namespace, beam_size: int = 5):  # noqa: ANN202 - runtime.session.SessionSettings
    from dictate.runtime.session import SessionSettings

    return SessionSettings(language=args.language, layout=args.layout, model=args.model,
                           templates=Path(args.templates) if args.templates else None,
                           vocabulary=not args.no_vocabulary, hints=args.hints, beam_size=beam_size)


def _app(args: argparse.Namespace) -> int:
    """The terminal app. Logs go to a file while it runs; finished notes go to stdout after."""
    from functools import partial

    from dictate.runtime.session import drafts_store, live_engine, prepare, restorable_drafts
    from dictate.ui.app import AppSettings, make_app

    out = _output(args)  # stdout is taken before the app owns the terminal
    dictation = prepare(_choices(args))
    _log_to_file()
    store = drafts_store()
    engine = partial(live_engine, dictation, input_file=args.input, device=args.device, realtime=not args.fast,
                     keep_audio=args.keep_audio, store=store)
    label = args.input or (f"mic {args.device}" if args.device else "mic")
    app = make_app(AppSettings(settings=dictation.settings, engine_factory=engine, source_label=label,
                               render=_note_renderer(args), ui_language=args.ui_language,
                               model_label=dictation.model.name, drafts=store,
                               recover=lambda: next((n for _, n in restorable_drafts(store, dictation)), None)))
    log.info("app started: %s, language %s, layout %s", "file" if args.input else "microphone",
             dictation.settings.language, dictation.settings.layout.id)
    with _terminal_on_stdout():
        notes = app.run() or []
    log.info("app closed: %d finished note(s)", len(notes))
    written: list[Path] = []
    for text, draft in zip(notes, app.finished_drafts):
        if not out.write(text):
            break  # the reader is gone: the drafts stay, nothing is lost
        if draft is not None:
            written.append(draft)
    if isinstance(out, _FileOutput):
        out.commit()  # raises on a full disk: the drafts are kept for --recover in the app
    for draft in written:
        store.retire(draft)  # written out: the draft has done its job
    return ExitCode.OK


@contextmanager
def _terminal_on_stdout() -> Iterator[None]:
    """`dictate > note.txt`, `dictate | import`: the app still gets the whole terminal.

    Textual measures the screen on stdout, so with stdout redirected it drew at 80x24.
    While the app runs, file descriptor 1 is the terminal the app draws on (stderr's);
    the notes' stdout (the file or pipe) is set aside and put back before they are written.
    """
    if sys.stdout.isatty() or not sys.stderr.isatty():
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        terminal = os.open(os.ttyname(sys.stderr.fileno()), os.O_WRONLY | os.O_NOCTTY)
    except OSError:
        os.close(saved)
        yield
        return
    os.dup2(terminal, 1)
    os.close(terminal)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _log_to_file() -> None:
    """While the app owns the terminal, diagnostics go to a file (never transcript text)."""
    from platformdirs import user_log_dir

    folder = Path(os.environ.get("DICTATE_LOG_DIR") or user_log_dir("dictate", appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "dictate.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s dictate: %(message)s"))
    logging.getLogger("dictate").handlers[:] = [handler]


def _transcribe(args: argparse.Namespace) -> int:
    from dictate.audio.decode import declared_seconds, display_name, stream_audio
    from dictate.notes.pipeline import transcribe_stream
    from dictate.output.progress import ProgressLine
    from dictate.runtime.session import load_recogniser, prepare

    render = _note_renderer(args)
    dictation = prepare(_choices(args, beam_size=args.beam_size))
    recogniser = load_recogniser(dictation)
    settings, transcriber, hotwords = dictation.settings, recogniser.transcriber, recogniser.hotwords
    out = _output(args)
    several = len(args.files) > 1 and args.format in ("text", "markdown")
    status = ExitCode.OK
    failed = 0
    progress = ProgressLine(sys.stderr, len(args.files)) if (
        args.verbosity >= 0 and ProgressLine.wanted(sys.stderr)) else None
    _show_progress(progress)
    try:
        for index, given in enumerate(args.files):
            name = display_name(given)  # one line however the file is named; "-" is stdin
            try:
                if progress:
                    progress.start_file(display_name(Path(given).name), declared_seconds(given) or 0.0)
                began = time.perf_counter()
                # Read as a stream and transcribed in windows: memory stays bounded for any length.
                result = transcribe_stream(stream_audio(given), transcriber, settings, source=str(Path(given)),
                                           hotwords=hotwords, progress=progress.advance if progress else None)
            except DictateError as exc:
                log.error("%s", exc.message)
                failed += 1
                status = status or exc.exit_code
                continue
            finally:
                if progress:
                    progress.finish_file()
            for notice in result.notices:
                log.warning("%s: %s at %.1f s", name, notice.message, notice.at)
            seconds = time.perf_counter() - began
            counter = f"[{index + 1}/{len(args.files)}] " if len(args.files) > 1 else ""
            if result.note.is_empty:
                log.info("%s%s: no speech found in %.1f s of audio; the note is empty", counter, name,
                         result.audio_seconds)
            else:
                log.info("%s%s: %.1f s of audio, %d section(s), transcribed in %.1f s", counter, name,
                         result.audio_seconds, len(result.note.filled_sections()), seconds)
            if args.format == "jsonl":
                text = _transcript_events(result, name)
            else:
                header = f"==> {name} <==\n" if several else ""
                separator = "\n" if several and index > 0 else ""
                text = separator + header + render(result.note)
            if not out.write(text):
                return ExitCode.OK  # the reader closed the pipe: stop quietly
    finally:
        _show_progress(None)
        if progress:
            progress.close()
    if isinstance(out, _FileOutput):
        out.commit()
        log.info("wrote %s", out.path)
    if failed:
        log.error("%d of %d file(s) could not be transcribed", failed, len(args.files))
    return status


def _transcript_events(result, name: str) -> str:  # noqa: ANN001 - pipeline.Result
    """One recording as the event stream `listen` writes: start, a commit per utterance, notices, note, end."""
    from dictate.output import events
    from dictate.speech.streamer import Commit

    timed = [(u.words[0].start, events.stream_event(Commit(words=u.words, end_of_utterance=True,
                                                         emitted_at=u.words[-1].end)))
             for u in result.utterances]
    timed += [(n.at, events.notice(n)) for n in result.notices]
    timed.sort(key=lambda item: item[0])  # stable: a notice comes after the commit that caused it
    return "".join([events.session_start(result.note, {"kind": "file", "path": name}),
                    *(line for _, line in timed),
                    events.final_note(result.note), events.session_end("end_of_stream", int(ExitCode.OK))])


def _recover(args: argparse.Namespace) -> int:
    """`listen --recover`: print every unfinished draft as a note, then retire it."""
    from dictate.runtime.session import drafts_store, prepare, restorable_drafts

    render = _note_renderer(args)
    dictation = prepare(_choices(args))
    store = drafts_store()
    out = _Output(sys.stdout)
    recovered = 0
    for path, note in restorable_drafts(store, dictation, oldest_first=True):
        if not out.write(render(note)):
            return ExitCode.OK  # the reader is gone: the rest stay as drafts
        store.retire(path)
        recovered += 1
    log.info("recovered %d unfinished note(s) from %s", recovered, store.directory)
    return ExitCode.OK


def _listen(args: argparse.Namespace) -> int:
    """Headless live dictation: JSON Lines events (or only the note) on stdout."""
    import signal

    if args.recover:
        return _recover(args)

    from dictate.audio.sources import SourceStatus
    from dictate.interpret.interpreter import Notice
    from dictate.output import events
    from dictate.runtime.headless import HeadlessSession
    from dictate.runtime.session import drafts_store, live_engine, prepare

    render = _note_renderer(args)
    out = _Output(sys.stdout)
    jsonl = args.format == "jsonl"
    dictation = prepare(_choices(args))
    store = drafts_store()
    engine = live_engine(dictation, input_file=args.input, device=args.device, realtime=args.realtime)
    # Every commit is in the draft journal (fsync'd) before it is printed, so a crash
    # or SIGKILL loses nothing that was committed: `dictate listen --recover` gives it back.
    session = HeadlessSession(dictation, engine, store, keep_audio=args.keep_audio)
    started = False

    def emit(line: str) -> None:
        """session_start comes first: once audio arrives (the device is open and its rate
        known), or just before anything else."""
        nonlocal started
        if not started:
            started = True
            if jsonl and not out.write(events.session_start(session.note, engine.source.description)):
                raise _ReaderGone
            log.info("listening (%s); say \"%s\" or press Ctrl-C to finish",
                     engine.source.description.get("device") or engine.source.description.get("path"),
                     (dictation.settings.commands.end_note or ("Ctrl-C",))[0])
        if line and jsonl and not out.write(line):
            raise _ReaderGone

    def report(item) -> None:  # noqa: ANN001 - headless.Report
        if isinstance(item, Notice):
            emit(events.notice(item, wall=session.wall_time))
        elif isinstance(item, SourceStatus):
            emit(events.status(item, session.stream_time, wall=session.wall_time))
        else:
            emit(events.stream_event(item, wall=session.wall_time))

    # SIGTERM (a service manager, an integrator's timeout) ends the session like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        outcome = session.run(report, listening=lambda: emit(""))
        if engine.recorder is not None:
            log.info("audio kept: %s (%.1f s)", engine.recorder.path, engine.recorder.seconds)
        if jsonl:
            emit(render(session.note))
            emit(events.session_end(outcome.reason, int(outcome.exit_code)))
        elif not out.write(render(session.note)):
            raise _ReaderGone
    except _ReaderGone:
        return ExitCode.OK  # the note was not delivered: its draft stays for --recover
    session.delivered()
    log.info("session ended (%s)", outcome.reason.replace("_", " "))
    return outcome.exit_code


class _ReaderGone(Exception):
    """stdout was closed by the reader."""


def _templates(args: argparse.Namespace) -> int:
    from dictate.catalog.loader import load_catalog

    catalog = load_catalog(Path(args.directory) if args.directory else None)
    if args.templates_command == "check":
        for problem in catalog.problems:
            print(problem)
        errors = len(catalog.errors)
        warnings = len(catalog.problems) - errors
        print(f"{catalog.directory}: {len(catalog.layouts)} layout(s), {len(catalog.commands)} command "
              f"file(s), {len(catalog.autotexts)} auto-text(s), {len(catalog.vocabularies)} vocabulary "
              f"file(s) loaded; {errors} error(s), {warnings} warning(s)")
        return ExitCode.FAILURE if errors else ExitCode.OK
    for problem in catalog.problems:
        log.warning("%s", problem)
    language = args.language
    print(f"Templates in {catalog.directory}")
    print("\nLayouts:")
    for layout in catalog.layouts.values():
        print(f"  {layout.id} (version {layout.version}): {layout.name(language)}, "
              f"{len(layout.sections)} section(s)")
    print("\nSpoken commands:")
    for commands in catalog.commands.values():
        print(f"  {commands.language}: heading {', '.join(commands.heading)}; auto-text "
              f"{', '.join(commands.autotext) or '-'}; undo {', '.join(commands.undo) or '-'}"
              + (f"; text, not commands: {', '.join(commands.not_commands)}" if commands.not_commands else ""))
    print("\nAuto-texts:")
    for autotext in sorted(catalog.autotexts.values(), key=lambda a: a.id):
        triggers = ", ".join(autotext.triggers.get(language, ())) or "(none in this language)"
        headings = ", ".join(f"{k}: {v}" if k != "*" else v for k, v in autotext.headings.items())
        fields = len(autotext.fields)
        print(f"  {autotext.id} (version {autotext.version}): {autotext.title(language)} - say: {triggers} "
              f"- under {headings}; {fields} field(s)")
    print("\nVocabulary:")
    for vocabulary in catalog.vocabularies.values():
        print(f"  {vocabulary.id} ({vocabulary.language}): {vocabulary.title}, {len(vocabulary.terms)} term(s)")
    return ExitCode.FAILURE if catalog.errors else ExitCode.OK


def _devices(args: argparse.Namespace) -> int:
    from dictate.audio.microphone import input_devices

    for device in input_devices():
        mark = "*" if device.is_default else " "
        print(f"{mark} {device.index:>3}  {device.name}  ({device.channels} ch, "
              f"{device.default_samplerate:g} Hz)")
    return ExitCode.OK


def _models(args: argparse.Namespace) -> int:
    from dictate.paths import model_search_dirs
    from dictate.speech.models import EMBEDDED_LABEL, EMBEDDED_NAME, check_model_dir

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
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or argv[0].startswith("-"):  # the app, its options, and `dictate --help`
        parser = build_app_parser()
        args = parser.parse_args(argv)
        args.command = "app"
    else:
        args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    _setup_logging(args.verbosity)
    run = {"transcribe": _transcribe, "listen": _listen, "templates": _templates, "devices": _devices,
           "models": _models, "app": _app}.get(args.command)
    if run is None:
        parser.error(f"unknown command {args.command}")  # exits with 2
    if sys.stdout is None and not getattr(args, "output", None):
        # Started with stdout closed (`>&-`): no note could ever be delivered, so none is
        # taken down (and `listen --recover` keeps its drafts).
        log.error("standard output is closed: there is nowhere to write the note; "
                  "give --output FILE or redirect stdout")
        return ExitCode.IOERR
    try:
        return int(run(args))
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
