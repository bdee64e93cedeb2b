"""Understanding: route an utterance (as typed, or as a recogniser heard it) to a request.

Every section, item and command that shares something with what was said gets its evidence
(features.py) and from it one probability (model.py). One rule decides: the most likely
meaning is taken when its probability reaches the model's threshold; when two sections or two
items only reach it together, the guide asks which one was meant; otherwise the request is
"unknown" and the guide says it cannot help with that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..content.pack import Pack
from .features import Said, evidence
from .index import Index
from .model import Model, load_model

NAVIGATION = ("next", "previous", "repeat", "start_over", "read_all")
CONTROLS = ("slower", "faster", "louder", "quieter", "stop", "quit", "cues_off", "cues_on")
MEMORY = ("bookmark", "goto_bookmark")
ANSWERS = ("yes", "second", "no")
# Requests that may name a place in a list ("the third one", "the first one", "number two").
COUNTED = ("ordinal", "yes", "second")


@dataclass(frozen=True)
class Request:
    """What the user asked for. `intent` is 'unknown' when nothing matched: never an exception."""

    intent: str  # section, item, a NAVIGATION or CONTROLS name, help, clarify, yes, second, no, unknown
    heard: str
    confidence: float = 0.0  # how likely this is what was meant (of requests at 0.9, about 9 in 10 are)
    target: str | None = None  # section or item id
    choices: tuple[str, ...] = ()  # for "clarify": the ids it could be
    number: int = 0  # the place in a list that was named, from 1 (0: none)


class Router:
    """Routes utterances for one pack. Build once; `route` is fast and has no side effects."""

    def __init__(self, pack: Pack, model: Model | None = None) -> None:
        self.pack = pack
        self.index = Index(pack)
        self.model = model or load_model()
        self.kinds = self.index.kinds
        self.order = {o.id: n for n, o in enumerate(self.index.owners[: self.index.targets])}

    def ranked(self, text: str, shape: bool = True) -> tuple[Said, list[tuple[float, str, str]]]:
        """What was said, and every meaning worth weighing with its probability, best first."""
        said = Said.of(text, self.index)
        if not said.words:
            return said, []
        found = evidence(said, self.index, shape)
        owners = self.index.owners
        ranked = [(self.model.probability(f), owners[n].id, owners[n].kind) for n, f in found.items()]
        ranked.sort(key=lambda pair: (-pair[0], pair[1]))
        return said, ranked

    def verbatim(self, text: str) -> bool:
        """Whether `text` is word for word a phrase that a template allows (filler aside)."""
        said = Said.of(text, self.index)
        return bool(self.index.exact(" ".join(said.words)))

    def route(self, text: str, choices: tuple[str, ...] = (), shape: bool = True) -> Request:
        """The most likely request for `text`; with `choices` pending, answers come first.
        `shape=False`: what the request is about, however it is put; the safety replies ask this
        of an advice question (which part of the guide to offer, or whether it is a command)."""
        said, ranked = self.ranked(text, shape)
        request = self.decide(said.heard, ranked, self.model.threshold, choices)
        if request.intent not in COUNTED:
            return request
        number = self.index.ordinal(said.words)
        if request.intent == "ordinal" and not self.index.exact(" ".join(said.words)):
            # Only as a template says it: "the seventh day" or "the third time" is not a pick.
            return Request("unknown", request.heard)
        if request.intent == "ordinal" and choices and 0 < number <= len(choices):
            # "tell me about the second one" as the answer to "did you mean a or b?"
            pick = choices[number - 1]
            return Request(self.kinds[pick], request.heard, request.confidence, pick)
        return replace(request, number=number)

    def decide(
        self,
        heard: str,
        ranked: list[tuple[float, str, str]],
        threshold: float,
        choices: tuple[str, ...] = (),
        ratio: float | None = None,
    ) -> Request:
        """The one decision rule, on meanings ranked by probability (`ratio`: the model's, unless given)."""
        ratio = self.model.ratio if ratio is None else ratio
        if not ranked:
            return Request("unknown", heard)
        best, meaning, kind = ranked[0]
        confidence = round(best, 3)
        if best >= threshold and kind == "command" and meaning in ANSWERS:
            if choices and meaning != "no":
                pick = choices[0] if meaning == "yes" or len(choices) < 2 else choices[1]
                return Request(self.kinds[pick], heard, confidence, pick)
            return Request(meaning, heard, confidence)
        targets = [(p, t, k) for p, t, k in ranked if k != "command"][:2]
        if len(targets) == 2 and targets[0][2] == targets[1][2]:
            (first, one, _), (second, other, _) = targets
            # Two sections or two items each likely, or likely only together: ask which.
            # (the other is nearly as likely: at least the fitted share of the first)
            both = one == meaning and kind != "command" and second >= threshold and second >= first * ratio
            together = best < threshold <= first + second
            if both or together:
                # Offered in reading order, so "the first one" is the one the guide names first.
                pair = tuple(sorted((one, other), key=self.order.__getitem__))
                return Request("clarify", heard, round(min(first + second, 1.0), 3), pair[0], pair)
        if best >= threshold:
            if kind == "command":
                return Request(meaning, heard, confidence)
            return Request(kind, heard, confidence, meaning)
        return Request("unknown", heard, confidence)
