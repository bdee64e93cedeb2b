"""Small YAML files the guide keeps for a user (settings, where they were): read with line
numbers for plain error messages, written atomically so a crash never leaves half a file."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import yaml


def read_yaml(path: Path) -> tuple[object, dict[str, int]]:
    """The file's data and the line of each top-level key; raises OSError, UnicodeError or YAMLError."""
    text = path.read_text(encoding="utf-8")
    loader = yaml.SafeLoader(text)  # the safe loader: a settings file must never run code
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return data, lines


def read_problem(exc: Exception) -> str:
    """Why a file could not be read, in plain words, with the line when YAML knows it."""
    if isinstance(exc, yaml.MarkedYAMLError):  # the errors that know where they are
        mark = exc.problem_mark or exc.context_mark
        return f"line {mark.line + 1}: the file is damaged" if mark else "the file is damaged"
    if isinstance(exc, (yaml.YAMLError, UnicodeError)):
        return "the file is damaged"
    return "the file could not be opened"


# --- loading ----------------------------------------------------------------------------------


def write_problem(exc: OSError) -> str:
    """Why a folder or file could not be written, in plain words."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is read-only"
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "the folder could not be created"
    return "the file could not be written"


def write_atomic(path: Path, text: str) -> None:
    """Write text so that the file is either the old one or the new one, never half of each."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())  # a power cut must not leave an empty settings file
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
