"""The package's folders are its architecture: imports point one way, down the layers below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "voice"
# Lower layers never import higher ones; a folder may import itself and anything lower.
LAYERS = {
    "types": 0,
    "errors": 0,
    "quiet": 0,
    "yamlfile": 0,
    "content": 1,
    "hearing": 1,
    "speaking": 1,
    "understanding": 2,
    "conversation": 3,
    "loop": 4,
    "app": 5,
    "__main__": 6,
    "__init__": 0,  # the package itself holds only the version
}
AUDIO_LIBRARIES = {"pyaudio", "pyttsx3", "speech_recognition", "vosk", "pocketsphinx", "audioop", "wave"}


def _room(module: str) -> str:
    """'voice.hearing.wav' -> 'hearing'; 'voice.types' -> 'types'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        out[".".join(rel.parts).removesuffix(".__init__")] = path
    return out


def _imports(module: str, path: Path) -> set[str]:
    """Every module name imported, relative imports resolved, function-level ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    room = _room(module)
    assert room in LAYERS, f"{module}: put it in one of the folders {sorted(LAYERS)}"
    for name in _imports(module, MODULES[module]):
        target_module = name if name in MODULES else name.rsplit(".", 1)[0]
        if not name.startswith("voice") or target_module not in MODULES:
            continue
        target = _room(target_module)
        if target == room:
            continue
        assert LAYERS[target] < LAYERS[room], f"{module} imports {name}: {room} may not depend on {target}"


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if _room(m) in ("conversation", "understanding", "content"))
)
def test_conversation_and_understanding_import_no_audio(module: str) -> None:
    used = {name.split(".")[0] for name in _imports(module, MODULES[module])}
    assert not used & AUDIO_LIBRARIES, f"{module} imports {sorted(used & AUDIO_LIBRARIES)}"


def test_no_import_cycle_between_modules() -> None:
    graph = {m: {n for n in _imports(m, p) if n in MODULES and n != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail[trail.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])


def test_no_module_is_over_300_lines() -> None:
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert not long, f"split these by concern: {long}"
