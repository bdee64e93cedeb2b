"""Small YAML files the guide keeps for a user (settings, where they were): read with line
numbers for plain error messages and with limits (size, nesting, aliases) so a damaged or hostile
file can neither crash nor hang the guide; written atomically under a lock so a crash never leaves
half a file and two guides never undo each other's changes."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

SMALL_FILE = 64 * 1024  # a settings or memory file is a few hundred bytes
MAX_DEPTH = 64  # the guide's own files are 1 to 6 levels deep; recursion limits start near 300
MAX_NODES = 100_000  # values once aliases are expanded: an alias bomb stops here, unexpanded


class FileRefused(OSError):
    """A path that is not a small regular file (a FIFO, a device, a huge file): never read."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(errno.EINVAL, problem, str(path))
        self.problem = problem


class TooComplex(yaml.MarkedYAMLError):
    """YAML nested too deeply or expanding to too many values (an alias bomb)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def read_text(path: Path, max_bytes: int = SMALL_FILE) -> str:
    """The UTF-8 text of a regular file of at most `max_bytes`; never blocks, even on a FIFO.

    Raises FileNotFoundError, FileRefused, other OSError, or UnicodeDecodeError."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, "it is not a file")
        data = handle.read(max_bytes + 1)  # st_size can lie (/proc, a file still growing)
    if len(data) > max_bytes:
        raise FileRefused(path, f"it is larger than {max_bytes // 1024} KB, far more than it should be")
    return data.decode("utf-8")


class GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits: nesting deeper than `max_depth` and documents whose
    aliases would expand to more than `max_nodes` values raise TooComplex (a YAMLError with the
    line) before anything is built. Subclass it and set the limits for larger files (packs)."""

    max_depth = MAX_DEPTH
    max_nodes = MAX_NODES

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        # PyYAML composes recursively (about 3 frames a level): stop long before RecursionError.
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark
                raise TooComplex(f"it is nested more than {self.max_depth} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_document(self, node: yaml.Node) -> object:
        _check_size(node, self.max_nodes)
        return super().construct_document(node)


# Digits with a leading zero are text, as people mean them: an emergency number such as 000
# (YAML 1.1 reads it as the number 0, or as octal), a phone number, a code.
GuardedLoader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
GuardedLoader.yaml_implicit_resolvers["0"].insert(0, ("tag:yaml.org,2002:str", re.compile(r"^0[0-9_]+$")))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_size(root: yaml.Node, limit: int) -> None:
    """Count the values the document expands to without expanding it (an alias is a shared
    node: its size is counted once per use, computed once); a node inside itself is refused."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()  # on the current path: meeting one again is a loop
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            entered.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > limit:
                raise TooComplex(f"it repeats itself into more than {limit:,} values", node.start_mark)
        elif key not in sizes:
            if key in entered:
                raise TooComplex("it contains itself", node.start_mark)
            entered.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def load_text(text: str, loader: type[GuardedLoader] = GuardedLoader) -> tuple[object, yaml.Node | None]:
    """The data of one YAML document and its node tree (for line numbers); raises YAMLError."""
    parser = loader(text)
    try:
        node = parser.get_single_node()
        data = parser.construct_document(node) if node is not None else None
    finally:
        parser.dispose()
    return data, node


def read_yaml(path: Path, max_bytes: int = SMALL_FILE) -> tuple[object, dict[str, int]]:
    """The file's data and the line of each top-level key; raises OSError, UnicodeError or YAMLError."""
    data, node = load_text(read_text(path, max_bytes))
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return data, lines


def read_problem(exc: Exception) -> str:
    """Why a file could not be read, in plain words, with the line when YAML knows it."""
    if isinstance(exc, TooComplex):
        mark = exc.problem_mark
        return f"line {mark.line + 1}: {exc.problem}" if mark else str(exc.problem)
    if isinstance(exc, yaml.MarkedYAMLError):  # the errors that know where they are
        mark = exc.problem_mark or exc.context_mark
        return f"line {mark.line + 1}: the file is damaged" if mark else "the file is damaged"
    if isinstance(exc, (yaml.YAMLError, UnicodeError)):
        return "the file is damaged"
    if isinstance(exc, FileRefused):
        return exc.problem
    return "the file could not be opened"


# --- writing ----------------------------------------------------------------------------------


def write_problem(exc: OSError) -> str:
    """Why a folder or file could not be written, in plain words."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is read-only"
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "the folder could not be created"
    return "the file could not be written"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file's folder while reading, merging and writing it, so two
    guides (or a guide and `voice-guide settings`) take turns. Creates the folder; raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no flock; saves are still atomic, only not merged in turn
        yield
        return
    fd = os.open(path.parent, os.O_RDONLY)  # a folder lock leaves no lock file behind
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel if the process dies
        yield
    finally:
        os.close(fd)


def keep_aside(path: Path) -> Path | None:
    """Move a damaged file out of the way (name.damaged.yaml, then -2, -3 ...), so that writing a
    new one loses nothing; None when it could not be moved."""
    for n in range(1, 100):
        spare = path.with_name(f"{path.stem}.damaged{'' if n == 1 else f'-{n}'}{path.suffix}")
        if not os.path.lexists(spare):
            try:
                os.rename(path, spare)
            except OSError:
                return None
            return spare
    return None


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
