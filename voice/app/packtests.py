"""A pack's own tests (`NAME.tests.yaml` beside `NAME.yaml`): utterances and dialogues.

Used by the test suite and by `voice-guide validate`, so content authors run the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..content.pack import Pack
from ..conversation.session import Reply, Session
from ..errors import PackError
from ..understanding.router import Request, Router


@dataclass(frozen=True)
class Utterance:
    say: str
    expect: str
    choices: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict) -> Utterance:
        return cls(str(data["say"]), str(data["expect"]), tuple(data.get("choices", ())))


@dataclass(frozen=True)
class Turn(Utterance):
    reply_has: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict) -> Turn:
        return cls(
            str(data["say"]),
            str(data["expect"]),
            tuple(data.get("choices", ())),
            tuple(str(f) for f in data.get("reply_has", ())),
        )


@dataclass(frozen=True)
class Dialogue:
    name: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class PackTests:
    utterances: tuple[Utterance, ...]
    dialogues: tuple[Dialogue, ...]


def pack_tests_path(pack_path: str | Path) -> Path:
    path = Path(pack_path)
    return path.with_name(path.stem + ".tests.yaml")


def load_tests(path: str | Path) -> PackTests:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return PackTests(
            tuple(Utterance.from_dict(u) for u in data.get("utterances", [])),
            tuple(
                Dialogue(str(d["name"]), tuple(Turn.from_dict(t) for t in d["turns"]))
                for d in data.get("dialogues", [])
            ),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise PackError(str(path), None, "tests", f"cannot be read ({exc})") from None


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
