"""A model's zip file, checked before anything is unpacked: its names, its shape, the sizes it
declares and the free space. zipfile itself refuses to write more than a member declares (and
checks each CRC), so the declared sizes bound what unpacking can take."""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..errors import ModelError

MAX_ENTRIES = 10_000  # a Vosk model has a few dozen files
MAX_RATIO = 200  # models compress about 2:1; a zip bomb 1000:1 and more
SPARE = 50_000_000  # room left on the disk after installing


def unzip(path: Path, into: Path, dest_dir: Path) -> Path:
    """Unpack a model zip into `into` after checking it; the model's folder (or `into`)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            problem = _listing_problem(members)
            if problem:
                raise ModelError(f"{path} {problem}; not installed.")
            shape = _shape_problem({m.filename for m in members})
            if shape:
                raise ModelError(f"{path} is not a whole Vosk model: it {shape}. Download or copy it again.")
            check_space(path, sum(m.file_size for m in members), dest_dir)
            archive.extractall(into)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelError(f"{path} is damaged ({exc}). Download or copy it again.") from None
    except (NotImplementedError, RuntimeError) as exc:  # an unknown compression, a password
        raise ModelError(f"{path} cannot be unpacked ({exc}). Download it again as a plain .zip file.") from None
    entries = [p for p in into.iterdir() if not p.name.startswith(".")]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else into


def check_space(source: Path, needed: int, dest_dir: Path) -> None:
    """Refuse, before writing anything, a model that would not fit on the disk."""
    free = shutil.disk_usage(dest_dir).free
    if needed + SPARE > free:
        raise ModelError(
            f"{source} needs {_size(needed)} but only {_size(free)} is free in {dest_dir}. "
            "Free some space or choose another folder with --to. Nothing was installed."
        )


def _listing_problem(members: list[zipfile.ZipInfo]) -> str | None:
    if len(members) > MAX_ENTRIES:
        return f"has {len(members):,} files, far more than a speech model"
    files: set[str] = set()
    folders: set[str] = set()
    for member in members:
        name = member.filename
        parts = PurePosixPath(name).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            return f"has an unsafe file name ({name})"  # never write outside the scratch folder
        if stat.S_ISLNK(member.external_attr >> 16):
            return f"has a link ({name}) where a file or folder should be"
        folders.update(str(PurePosixPath(*parts[:i])) for i in range(1, len(parts)))
        if member.is_dir():
            folders.add(name.rstrip("/"))
        elif name in files:
            return f"has {name} twice"
        else:
            files.add(name)
        if member.file_size > 1_000_000 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            return (
                f"looks like a zip bomb: {name} would unpack from {_size(member.compress_size)} "
                f"to {_size(member.file_size)}"
            )
    clash = sorted(files & folders)
    if clash:
        return f"has {clash[0]} both as a file and as a folder"
    return None


def _shape_problem(names: set[str]) -> str | None:
    """What a model zip lacks, from its list of names, in the words of models.problem_with."""
    roots = sorted(
        (n[: -len("am/final.mdl")] for n in names if n == "am/final.mdl" or n.endswith("/am/final.mdl")), key=len
    )
    if not roots:
        return "has no acoustic model (am/final.mdl)"
    root = roots[0]
    if not any(f"{root}conf/{c}" in names for c in ("model.conf", "mfcc.conf")):
        return "has no configuration (conf/model.conf)"
    if not any(f"{root}graph/{g}" in names for g in ("HCLG.fst", "HCLr.fst")):
        return "has no decoding graph (graph/HCLG.fst or graph/HCLr.fst)"
    return None


def _size(n: int) -> str:
    if n >= 1e9:
        return f"{n / 1e9:,.1f} GB"
    return f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"
