"""Speech models on disk: where they are looked for, whether they are whole, how to add one.

Like piper, models live outside the code on a search path; every message says the fix.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from ..errors import GuideError

PROJECT_MODELS = Path(__file__).resolve().parent.parent / "models"
SMALL_ENGLISH = "vosk-model-small-en-us-0.15"


class ModelError(GuideError):
    """A model that is missing, incomplete or corrupt."""


@dataclass(frozen=True)
class VoskModel:
    path: Path
    language: str  # "en", "ko", ... guessed from the folder name; "" when unknown

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def english(self) -> bool:
        return self.language == "en"


def user_models_dir() -> Path:
    return Path(user_data_dir("voice-guide", appauthor=False)) / "models"


def search_path(model: str | None = None) -> list[Path]:
    """Where models are looked for, first to last: --model, $VOSK_MODEL_PATH, models/, user folder."""
    places = [Path(p) for p in (model, os.environ.get("VOSK_MODEL_PATH")) if p]
    return [*places, PROJECT_MODELS, user_models_dir()]


def guess_language(name: str) -> str:
    match = re.search(r"(?:^|[-_])model(?:-small)?[-_]([a-z]{2})(?:[-_]|$)", name.lower())
    if match:
        return match.group(1)
    match = re.search(r"(?:^|[-_])([a-z]{2})(?:[-_](?:us|gb|in|au))?(?:[-_]|$)", name.lower())
    return match.group(1) if match else ""


def problem_with(path: Path) -> str | None:
    """Why `path` is not a usable Vosk model folder, or None when it looks whole."""
    if not path.is_dir():
        return "is not a folder"
    if not (path / "am" / "final.mdl").is_file():
        return "has no acoustic model (am/final.mdl)"
    if not any((path / "conf" / c).is_file() for c in ("model.conf", "mfcc.conf")):
        return "has no configuration (conf/model.conf)"
    graph = path / "graph"
    if not ((graph / "HCLG.fst").is_file() or (graph / "HCLr.fst").is_file()):
        return "has no decoding graph (graph/HCLG.fst or graph/HCLr.fst)"
    for part in path.rglob("*"):
        if part.is_file() and part.stat().st_size == 0 and part.suffix in (".mdl", ".fst", ".conf"):
            return f"has an empty file ({part.relative_to(path)}): it was not copied completely"
    return None


def _candidates(place: Path) -> list[Path]:
    if (place / "am").is_dir() or (place / "conf").is_dir():
        return [place]  # the place is itself a model folder
    if not place.is_dir():
        return []
    return sorted(p for p in place.iterdir() if p.is_dir() and not p.name.startswith("."))


def find_models(model: str | None = None) -> list[tuple[Path, str | None]]:
    """Every model folder on the search path, with its problem (None when it looks usable)."""
    found = []
    for place in search_path(model):
        for path in _candidates(place):
            found.append((path, problem_with(path)))
    return found


def find_vosk_model(model: str | None = None, english_only: bool = True) -> VoskModel | None:
    """The first usable model on the search path, or None. `--model` given but broken: an error."""
    if model:
        path = Path(model)
        problem = problem_with(path) if path.exists() else "does not exist"
        if problem:
            raise ModelError(
                f"The speech model {path} {problem}. Copy the whole model folder again, "
                f"or install it with: voice-guide models install ZIP_OR_FOLDER"
            )
    for path, problem in find_models(model):
        if problem is None:
            candidate = VoskModel(path, guess_language(path.name))
            if candidate.english or not english_only:
                return candidate
    return None


def install(source: str | Path, dest_dir: Path | None = None) -> Path:
    """Install a model from a zip file or a folder (e.g. copied from a USB stick)."""
    source = Path(source)
    dest_dir = dest_dir or user_models_dir()
    if not source.exists():
        raise ModelError(f"{source} was not found. Give the path of the model's .zip file or folder.")
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest_dir, prefix=".installing-") as scratch:
        if source.is_dir():
            root = source
        elif zipfile.is_zipfile(source):
            root = _unzip(source, Path(scratch))
        else:
            raise ModelError(f"{source} is neither a model folder nor a .zip file.")
        problem = problem_with(root)
        if problem:
            raise ModelError(f"{source} is not a whole Vosk model: it {problem}. Download or copy it again.")
        name = source.stem if root == Path(scratch) else root.name
        target = dest_dir / name
        if target.exists():
            raise ModelError(f"A model called {root.name} is already installed at {target}.")
        if source.is_dir():
            shutil.copytree(root, target)
        else:
            shutil.move(str(root), target)
    return target


def _unzip(path: Path, into: Path) -> Path:
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad:
                raise ModelError(f"{path} is damaged ({bad} is corrupt). Download or copy it again.")
            for member in archive.namelist():  # never write outside the scratch folder
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ModelError(f"{path} has an unsafe file name ({member}); not installed.")
            archive.extractall(into)
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{path} is damaged ({exc}). Download or copy it again.") from None
    entries = [p for p in into.iterdir() if not p.name.startswith(".")]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else into
