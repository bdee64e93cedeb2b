"""A pack's own tests (`NAME.tests.yaml` beside `NAME.yaml`): utterances and dialogues.

Used by the test suite and by `voice-guide validate`, so content authors run the same checks.
The format is in docs/content-packs.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.model import Pack
from ..content.yamlload import Mapping, load_yaml
from ..conversation.intents import Intent
from ..conversation.session import Reply, Session
from ..errors import PackError
from ..understanding.router import Request, Router

DEFAULT_FLOOR = 1.0  # no floor stated: every utterance must be understood
_TOP_KEYS = frozenset({"pack", "floor", "utterances", "dialogues"})
_UTTERANCE_KEYS = frozenset({"say", "expect", "choices"})
_TURN_KEYS = _UTTERANCE_KEYS | {"reply_has", "reply_lacks"}


@dataclass(frozen=True)
class Utterance:
    say: str
    expect: str
    choices: tuple[str, ...] = ()
    where: str = field(default="", compare=False)  # the field, as "utterances[3]"
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Turn(Utterance):
    reply_has: tuple[str, ...] = ()
    reply_lacks: tuple[str, ...] = ()  # e.g. a sentence that must not be said again


@dataclass(frozen=True)
class Dialogue:
    name: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class PackTests:
    pack: str  # the id of the pack these tests are for (its `id:`, not its file name)
    floor: float  # the share of utterances that must be understood
    utterances: tuple[Utterance, ...]
    dialogues: tuple[Dialogue, ...]
    path: str = ""


def pack_tests_path(pack_path: str | Path) -> Path:
    path = Path(pack_path)
    return path.with_name(path.stem + ".tests.yaml")


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, data: Any, key: str | None, where: str, problem: str) -> PackError:
        line = None
        if isinstance(data, Mapping):
            line = data.key_lines.get(key, data.line) if key else data.line
        return PackError(self.path, line, where, problem)

    def mapping(self, data: Any, keys: frozenset[str], where: str, parent: Any, key: str) -> Mapping:
        if not isinstance(data, dict):
            raise self.fail(parent, key, where, "must be a mapping of fields")
        for name in data:
            if name not in keys:
                raise self.fail(data, str(name), f"{where}.{name}".lstrip("."), "is not a known field (typo?)")
        return data  # type: ignore[return-value]

    def entries(self, data: Any, key: str, where: str) -> list:
        value = data.get(key) or []
        if not isinstance(value, list):
            raise self.fail(data, key, f"{where}.{key}".lstrip("."), "must be a list")
        return value

    def text(self, data: Any, key: str, where: str) -> str:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
            raise self.fail(data, key if key in data else None, f"{where}.{key}", "must be text (quote yes and no)")
        return str(value)

    def texts(self, data: Any, key: str, where: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(data, key, f"{where}.{key}", "must be a list of texts")
        return tuple(value)

    def utterance(self, data: Any, where: str, parent: Any, key: str, cls: type = Utterance) -> Any:
        keys = _TURN_KEYS if cls is Turn else _UTTERANCE_KEYS
        data = self.mapping(data, keys, where, parent, key)
        extra = {}
        if cls is Turn:
            extra = {
                "reply_has": self.texts(data, "reply_has", where),
                "reply_lacks": self.texts(data, "reply_lacks", where),
            }
        return cls(
            say=self.text(data, "say", where),
            expect=self.text(data, "expect", where),
            choices=self.texts(data, "choices", where),
            where=where,
            line=data.line,
            **extra,
        )

    def tests(self, data: Any) -> PackTests:
        if not isinstance(data, dict):
            raise PackError(self.path, 1, "tests", "must be a mapping with pack, utterances, dialogues")
        self.mapping(data, _TOP_KEYS, "", data, "")
        floor = data.get("floor", DEFAULT_FLOOR)
        if isinstance(floor, bool) or not isinstance(floor, (int, float)) or not 0 <= floor <= 1:
            raise self.fail(data, "floor", "floor", "must be a share between 0 and 1, such as 0.95")
        utterances = tuple(
            self.utterance(u, f"utterances[{n}]", data, "utterances")
            for n, u in enumerate(self.entries(data, "utterances", ""))
        )
        dialogues = []
        for n, raw in enumerate(self.entries(data, "dialogues", "")):
            where = f"dialogues[{n}]"
            raw = self.mapping(raw, frozenset({"name", "turns"}), where, data, "dialogues")
            turns = tuple(
                self.utterance(t, f"{where}.turns[{m}]", raw, "turns", Turn)
                for m, t in enumerate(self.entries(raw, "turns", where))
            )
            dialogues.append(Dialogue(self.text(raw, "name", where), turns))
        return PackTests(self.text(data, "pack", ""), float(floor), utterances, tuple(dialogues), self.path)


def load_tests(path: str | Path) -> PackTests:
    """A tests file, checked field by field; any problem is one PackError line."""
    return _Reader(str(path)).tests(load_yaml(path))


def unknown_names(pack: Pack, tests: PackTests) -> list[str]:
    """Problems with what the tests name: the pack id, and `expect`s and `choices` that are
    neither a section or item of the pack nor an intent."""
    problems = []
    if tests.pack != pack.id:
        problems.append(f"{tests.path}: pack: is '{tests.pack}', but the pack's id is '{pack.id}'")
    intents = {i.value for i in Intent}
    turns = [*tests.utterances, *(t for d in tests.dialogues for t in d.turns)]
    for turn in turns:
        where = f"{tests.path}:{turn.line}" if turn.line else tests.path
        if turn.expect not in pack.by_id and turn.expect not in intents:
            problems.append(f"{where}: {turn.where}.expect: '{turn.expect}' is not a section, item or intent")
        problems += [
            f"{where}: {turn.where}.choices: '{c}' is not a section or item"
            for c in turn.choices
            if c not in pack.by_id
        ]
    return problems


def request_matches(request: Request, expect: str, choices: tuple[str, ...] = ()) -> bool:
    if request.intent == "clarify" or expect == "clarify":
        return request.intent == expect and set(request.choices) == set(choices)
    if request.intent in ("section", "item"):
        return request.target == expect
    return request.intent == expect


def reply_matches(reply: Reply, turn: Turn) -> list[str]:
    """What is wrong with one dialogue turn's reply (empty: nothing)."""
    problems = []
    place = reply.item or reply.section
    ok = turn.expect in (reply.intent, place)  # a command, or the place it led to
    if not ok:
        problems.append(f"expected {turn.expect}, got {reply.intent} at {place}")
    text = reply.text.lower()
    problems += [f"reply lacks '{f}'" for f in turn.reply_has if f.lower() not in text]
    problems += [f"reply has '{f}'" for f in turn.reply_lacks if f.lower() in text]
    return problems


def run_utterances(router: Router, tests: PackTests) -> list[tuple[Utterance, Request]]:
    """Every utterance that was not understood as expected, with what the router said."""
    misses = []
    for utterance in tests.utterances:
        request = router.route(utterance.say)
        if not request_matches(request, utterance.expect, utterance.choices):
            misses.append((utterance, request))
    return misses


def run_dialogue(pack: Pack, router: Router, dialogue: Dialogue) -> list[str]:
    session = Session(pack, router)
    session.welcome()
    problems = []
    for number, turn in enumerate(dialogue.turns, 1):
        reply = session.handle(turn.say)
        problems += [f"{dialogue.name}, turn {number} '{turn.say}': {p}" for p in reply_matches(reply, turn)]
    return problems
