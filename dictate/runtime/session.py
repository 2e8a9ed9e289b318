"""From the user's choices to the parts of a running dictation.

Everything that turns options into a session lives here, so that `transcribe`,
`listen`, the app, the soak and the benchmarks build their sessions alike:
templates and settings (quick, before any window opens), the recogniser (slow),
the live streamer, the audio source, restorable drafts and the recorder for
--keep-audio. The CLI and the app only pass the options on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from dictate.audio.recorder import AudioRecorder
from dictate.audio.sources import AudioSource, FileSource, StatusCallback
from dictate.catalog.commands import CommandSet
from dictate.catalog.layouts import load_layout
from dictate.catalog.loader import Catalog, load_catalog
from dictate.errors import DictateError, TemplateError
from dictate.exit_codes import ExitCode
from dictate.notes.drafts import DraftStore, restore_note, retention_days
from dictate.notes.note import ModelRef, Note
from dictate.notes.pipeline import NoteSettings
from dictate.runtime.engine import Engine
from dictate.speech.live import LiveSettings, make_streamer
from dictate.speech.models import ModelInfo, resolve_model
from dictate.speech.streamer import ChunkTranscriber, Streamer, VoiceActivity

log = logging.getLogger("dictate")


@dataclass(frozen=True)
class SessionSettings:
    """What the user chose (the command line's options, named)."""

    language: str = "da"
    #: fsiii, soap, or a path to a layout .yaml
    layout: str = "fsiii"
    #: base (embedded), a NAME in models/, or a model directory
    model: str = "base"
    #: the templates folder; None: $DICTATE_TEMPLATES, else the shipped templates
    templates: Path | None = None
    #: correct near-miss words to the care vocabulary
    vocabulary: bool = True
    #: give the model the auto-text triggers and vocabulary as hints
    hints: bool = False
    #: offline beam width
    beam_size: int = 5


@dataclass(frozen=True)
class Dictation:
    """A session ready but for the model: settings, the model's identity and the templates."""

    settings: NoteSettings
    model: ModelInfo
    catalog: Catalog
    choices: SessionSettings

    def new_note(self, source: str | None = None) -> Note:
        return self.settings.new_note(source)


@dataclass
class Recogniser:
    """The loaded speech model and the hints it is given (None: no hints)."""

    transcriber: object  # dictate.speech.whisper.WhisperTranscriber; imported lazily
    hotwords: str | None


def load_templates(directory: Path | None) -> Catalog:
    """The catalog in use; broken files are reported and skipped, the rest loads."""
    catalog = load_catalog(directory)
    for problem in catalog.problems:
        log.warning("%s", problem)
    if catalog.errors:
        log.warning("%d template problem(s): the files concerned are skipped (see `dictate templates "
                    "check`)", len(catalog.errors))
    return catalog


def prepare(choices: SessionSettings) -> Dictation:
    """Templates, language, commands and the model's identity: everything but loading the model.

    Quick enough for the app to call before it opens. Raises DictateError.
    """
    language = choices.language.strip().lower()
    catalog = load_templates(choices.templates)
    layout = catalog.layouts.get(choices.layout) or load_layout(choices.layout, catalog.directory / "layouts")
    model = resolve_model(choices.model)
    commands = catalog.commands.get(language)
    broken = [p for p in catalog.errors if p.path and Path(p.path).parent.name == "commands"
              and Path(p.path).stem == language]
    if commands is None and broken:
        # The language's command file is there but broken: dictating without commands
        # would turn "overskrift ernæring" into text, unnoticed. Stop and say where.
        problem = broken[0]
        raise TemplateError(problem.message, path=problem.path, line=problem.line, field=problem.field)
    if commands is None:
        log.warning("no spoken commands for language '%s': the text is kept as spoken", language)
        commands = CommandSet(language=language, heading=(), marks={})
    vocabularies = [v for v in catalog.vocabularies.values() if v.language == language] if choices.vocabulary else []
    autotexts = catalog.autotexts_for(language)
    terms = catalog.terms(language) if choices.vocabulary else []
    settings = NoteSettings(layout=layout, commands=commands, language=language,
                            model=ModelRef(name=model.name, sha256=model.sha256), autotexts=autotexts,
                            terms=terms, vocabularies=tuple((v.id, len(v.terms)) for v in vocabularies))
    log.debug("%d auto-text(s), %d vocabulary term(s) for '%s'", len(autotexts), len(terms), language)
    return Dictation(settings=settings, model=model, catalog=catalog, choices=choices)


def load_recogniser(dictation: Dictation, *, live: bool = False) -> Recogniser:
    """The transcriber and the hints for it; `live` for a live session. Raises DictateError."""
    from dictate.speech.hotwords import build_hotwords
    from dictate.speech.whisper import DecodeSettings, WhisperTranscriber

    language = dictation.settings.language
    started = time.perf_counter()
    transcriber = WhisperTranscriber(dictation.model, options=DecodeSettings(beam_size=dictation.choices.beam_size),
                                     live=live)
    log.debug("model %s loaded in %.1f s", dictation.model.name, time.perf_counter() - started)
    if language not in transcriber.languages:
        raise DictateError(f"'{language}' is not a language the model knows; use a code such as da, en, "
                           f"sv, de (all: {' '.join(transcriber.languages)})", exit_code=ExitCode.USAGE)
    hotwords = None
    if dictation.choices.hints:
        settings = dictation.settings
        hotwords = build_hotwords(settings.commands, settings.autotexts, dictation.catalog.terms(language), language,
                                  lambda text: transcriber.count_tokens(text, language))
        # Template words only, never transcript text.
        log.debug("hints: %d tokens of auto-text triggers and vocabulary", transcriber.count_tokens(hotwords, language))
    return Recogniser(transcriber=transcriber, hotwords=hotwords)


def live_streamer(recogniser: Recogniser, language: str, *, vad: VoiceActivity | None = None,
                  live: LiveSettings | None = None,
                  wrap: Callable[[ChunkTranscriber], ChunkTranscriber] | None = None) -> Streamer:
    """The streamer for live dictation on the real model, with the Silero VAD unless one is given.

    `wrap` lets benchmarks time each decode.
    """
    if vad is None:
        from dictate.speech.whisper import StreamingVad

        vad = StreamingVad()
    hotwords = recogniser.hotwords
    live = live or LiveSettings.for_language(language)
    if hotwords:
        live = replace(live, hotwords=lambda: hotwords)
    return make_streamer(recogniser.transcriber, language, live, vad=vad, wrap=wrap)  # type: ignore[arg-type]


def open_source(input_file: str | Path | None = None, *, device: str | None = None, realtime: bool = True,
                on_status: StatusCallback | None = None) -> AudioSource:
    """A recorded file replayed (paced as if spoken, or as fast as possible), else the microphone."""
    if input_file is not None:
        return FileSource(Path(input_file), realtime=realtime)
    from dictate.audio.microphone import MicrophoneSource

    return MicrophoneSource(device=device, on_status=on_status)


def drafts_store() -> DraftStore:
    """The user's drafts folder, with drafts older than the retention period removed."""
    store = DraftStore.default()
    purged = store.purge()
    if purged:
        log.info("removed %d draft(s) older than the retention period", purged)
    return store


def restorable_drafts(store: DraftStore, dictation: Dictation,
                      oldest_first: bool = False) -> Iterator[tuple[Path, Note]]:
    """(path, note) for each unfinished draft that replays and that no running session holds;
    the others are named in a warning."""
    settings = dictation.settings
    paths, live = store.abandoned()
    if live:
        log.warning("%d note(s) being dictated in another window: left to that window", live)
    for path in reversed(paths) if oldest_first else paths:
        try:
            yield path, restore_note(path, dictation.catalog.layouts, dict(dictation.catalog.autotexts),
                                     model=settings.model, vocabularies=settings.vocabularies,
                                     interpreter=settings.interpreter())
        except (ValueError, KeyError, OSError, DictateError) as exc:
            log.warning("draft %s cannot be restored: %s", path.name, exc)


def audio_recorder(keep_audio: bool, store: DraftStore, name: str | None) -> AudioRecorder | None:
    """--keep-audio: a WAV recorder beside the drafts; else None (audio is never stored)."""
    if not keep_audio:
        return None
    recorder = AudioRecorder.for_session(store.directory, name)
    log.info("keeping the audio in %s (removed with the drafts after %g days)", recorder.path, retention_days())
    return recorder


def live_engine(dictation: Dictation, *, input_file: str | Path | None = None, device: str | None = None,
                realtime: bool = True, keep_audio: bool = False, store: DraftStore | None = None,
                note_id: str | None = None) -> Engine:
    """The engine of a live session: the recogniser loaded (seconds), the source opened.

    A file is replayed (paced as if spoken unless `realtime` is off); without one, the
    microphone `device` (the system's default if None) is recorded.
    """
    source = open_source(input_file, device=device, realtime=realtime)
    started = time.perf_counter()
    recogniser = load_recogniser(dictation, live=True)
    log.info("model %s loaded in %.1f s", dictation.model.name, time.perf_counter() - started)
    streamer = live_streamer(recogniser, dictation.settings.language)
    recorder = audio_recorder(keep_audio, store, note_id) if store is not None else None
    return Engine(source, streamer, live_source=input_file is None, recorder=recorder)
