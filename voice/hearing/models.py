"""Speech models on disk: where they are looked for, whether they are whole, how to add one.

Like piper, models live outside the code on a search path; every message says the fix.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from ..errors import ModelError
from ..yamlfile import write_problem
from .modelzip import check_space, unzip

PROJECT_MODELS = Path(__file__).resolve().parent.parent / "models"
SMALL_ENGLISH = "vosk-model-small-en-us-0.15"
_SCRATCH = ".installing-"  # + pid: whose it is, so a killed install's folder can be cleared


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
    """Install a model from a zip file or a folder (e.g. copied from a USB stick).

    Everything is checked before anything is unpacked (names, sizes, the free space); it is
    unpacked into a hidden folder beside the target and renamed into place only when whole, so a
    full disk, a damaged zip or a killed install never leaves half a model behind."""
    source = Path(source)
    dest_dir = dest_dir or user_models_dir()
    try:
        mode = source.stat().st_mode
    except FileNotFoundError:
        raise ModelError(f"{source} was not found. Give the path of the model's .zip file or folder.") from None
    except OSError as exc:
        raise ModelError(f"{source} cannot be read ({exc.strerror}).") from None
    # Only a folder or a regular file: opening a FIFO or a device would wait forever.
    if not (stat.S_ISDIR(mode) or (stat.S_ISREG(mode) and zipfile.is_zipfile(source))):
        raise ModelError(f"{source} is neither a model folder nor a .zip file.")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        clear_stale(dest_dir)
        with tempfile.TemporaryDirectory(dir=dest_dir, prefix=f"{_SCRATCH}{os.getpid()}-") as scratch:
            return _install(source, stat.S_ISDIR(mode), dest_dir, Path(scratch))
    except OSError as exc:
        reason = write_problem(exc)
        fix = "free some space or choose" if reason == "the disk is full" else "choose"
        raise ModelError(
            f"The model could not be installed in {dest_dir} ({reason}). Nothing was installed; "
            f"{fix} another folder with --to, then try again."
        ) from None


def _install(source: Path, is_folder: bool, dest_dir: Path, scratch: Path) -> Path:
    if is_folder:
        problem = problem_with(source)
        if problem:
            raise ModelError(f"{source} is not a whole Vosk model: it {problem}. Download or copy it again.")
        link = next((p for p in source.rglob("*") if p.is_symlink() and p.is_dir()), None)
        if link is not None:  # copying would follow it, maybe round in a loop, maybe off the stick
            raise ModelError(
                f"{source} has a link ({link.relative_to(source)}) where a folder should be; not installed."
            )
        check_space(source, _folder_size(source), dest_dir)
        root = scratch / source.name
        shutil.copytree(source, root)
    else:
        root = unzip(source, scratch, dest_dir)
    problem = problem_with(root)
    if problem:
        raise ModelError(f"{source} is not a whole Vosk model: it {problem}. Download or copy it again.")
    name = source.stem if root == scratch else root.name
    target = dest_dir / name
    if os.path.lexists(target):
        raise ModelError(f"A model called {name} is already installed at {target}.")
    if root == scratch:  # the zip held the model's files without a folder around them
        root = scratch / name
        os.mkdir(root)
        for entry in list(scratch.iterdir()):
            if entry != root:
                os.rename(entry, root / entry.name)
    os.rename(root, target)  # the same disk: the whole model appears at once
    return target


def clear_stale(dest_dir: Path) -> None:
    """Remove hidden folders that installs left when they were killed (their process is gone)."""
    for entry in dest_dir.glob(f"{_SCRATCH}*"):
        pid = entry.name[len(_SCRATCH) :].split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue  # another install is running now
        shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
