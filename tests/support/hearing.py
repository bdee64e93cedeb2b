"""The blind spoken sets heard as the app hears them: rendered in a voice and a room, decoded by
the recogniser the app builds, and the transcript routed by the guide's router and answered by
its session. Shared by scripts/bench_hearing.py and tests/test_spoken_blind.py."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from tests.support.voices import Voice, render
from voice.app.blindsets import blind_dir, load_set
from voice.app.packtests import request_matches
from voice.content.pack import Pack, find_pack, load_pack
from voice.conversation.session import Session
from voice.conversation.settings import Settings
from voice.hearing.engines import make_recognizer
from voice.hearing.wav import load_wav
from voice.types import Recognizer, Transcript
from voice.understanding.heard import clear_request, judge
from voice.understanding.router import Router
from voice.understanding.vocabulary import recognizer_phrases

SPLITS = ("dev", "heldout", "fresh")
KINDS = ("in_scope", "not_for_me", "emergency")


NOT_FOR_ME = ("room_talk", "television", "off_topic")
CLEAR_ENGINES = ("moonshine",)  # the recognisers that act on clear open words with no grammar pass


@dataclass(frozen=True)
class Sentence:
    say: str
    expect: str  # a section, item or command id; unknown; emergency; or referral (a health question)
    split: str  # dev, heldout, or fresh (the fresh set, whatever its own split says: never tuned on)
    kind: str  # in_scope, not_for_me (room talk, television, off topic) or emergency


def _kind(entry: dict) -> str:
    kind = str(entry.get("kind", ""))
    if kind in NOT_FOR_ME or (not kind and entry["expect"] == "unknown"):
        return "not_for_me"
    return "emergency" if entry["expect"] == "emergency" else "in_scope"


@dataclass(frozen=True)
class Outcome:
    voice: str
    condition: str
    say: str
    expect: str
    split: str
    kind: str
    heard: str  # the recogniser's transcript
    rejected: bool  # the recogniser said it was not for the guide
    routed: str  # what the router made of it: an id, a command, or unknown
    answered: str  # the session's reply intent (what the app would do)
    right: bool  # in scope: the expected id; not for me: left alone; emergency: answered as one
    ms: float  # decoding and routing, per utterance
    # The recogniser's two hearings before they were weighed, so that the weighing can be tried
    # again offline (the grammar's phrase, the open words, their likeness)
    phrase: str = ""
    words: str = ""
    likeness: float = 0.0
    pointed: bool = False  # rejected, but pointed to emergency help (perhaps an emergency)
    engine: str = ""  # the recogniser's name, which picks its weighing


def _spoken(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [e for e in yaml.safe_load(path.read_text(encoding="utf-8")) or [] if isinstance(e, dict)]


# The spoken sets with dev and held-out splits, by two blind writers (spoken_2: the second).
SPOKEN = ("spoken.yaml", "spoken_2.yaml")


def sentences(pack_path: str | Path, splits: Iterable[str] = SPLITS, files: Iterable[str] = SPOKEN) -> list[Sentence]:
    """The spoken blind sets (dev, heldout), the fresh one when present (all of it as `fresh`),
    and the emergencies of the typed safety set, to be spoken too."""
    wanted, folder = set(splits), blind_dir(pack_path)
    out = [
        Sentence(str(e["say"]), str(e["expect"]), str(e.get("split", "dev")), _kind(e))
        for name in files
        for e in _spoken(folder / name)
    ]
    out += [Sentence(e.say, e.expect, e.split, "emergency") for e in load_set(pack_path, "typed_safety")]
    out = [s for s in out if s.split in wanted and (s.kind != "emergency" or s.expect == "emergency")]
    if "fresh" in wanted:
        out += [
            Sentence(str(e["say"]), str(e["expect"]), "fresh", _kind(e)) for e in _spoken(folder / "spoken_fresh.yaml")
        ]
    return out


class Decider:
    """What the app does with a recogniser's transcript: weighed, routed and answered, as
    `voice-guide run` does it (the router and pack built as it builds them)."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.router = Router(pack)
        self.clear = clear_request(self.router.route)

    def decide(self, sentence: Sentence, voice: str, condition: str, raw: Transcript, start: float) -> Outcome:
        """What the app would do with the recogniser's transcript `raw` (heard from `start`)."""
        session = Session(self.pack, self.router)  # a fresh session, as `listen`
        words, given = raw.open_text, raw
        if raw.engine in CLEAR_ENGINES and raw.text != words and words and self.clear(words):
            given = Transcript(words, 1.0, raw.engine, open_text=words)  # as the recogniser itself would
        transcript = judge(given, self.router.route, session.safety.emergency, session.safety.near_emergency)
        request = self.router.route(transcript.text)
        reply = session.handle(transcript.text)  # what it would do, were it acted on
        ms = (time.perf_counter() - start) * 1000
        routed = request.target if request.intent in ("section", "item") else request.intent
        if sentence.kind == "in_scope":
            right = not transcript.rejected and request_matches(request, sentence.expect)
        elif sentence.kind == "not_for_me":
            # Left alone: nothing done, nothing read; a health question the page does not cover
            # may get the "ask your doctor" line it expects, never a section.
            right = transcript.rejected or reply.intent in ("unknown", sentence.expect)
        else:
            right = not transcript.rejected and reply.intent == "emergency"
        return Outcome(
            voice,
            condition,
            sentence.say,
            sentence.expect,
            sentence.split,
            sentence.kind,
            transcript.text,
            transcript.rejected,
            str(routed),
            str(reply.intent),
            right,
            ms,
            raw.text,
            raw.open_text,
            raw.confidence,
            transcript.urgent,
            raw.engine,
        )


class Hearer(Decider):
    """One recogniser too, built as `voice-guide run` builds it."""

    def __init__(self, pack: Pack, engine: str = "sphinx", model: str | None = None, both: bool = False) -> None:
        super().__init__(pack)
        phrases = recognizer_phrases(pack, (Settings().wake_phrase,))
        # both: every utterance heard both ways (no clear-words shortcut in the recogniser; the
        # same decision is made in decide), so that the weighing can be tried again on saved outcomes.
        clear = None if both else self.clear
        self.recognizer: Recognizer = make_recognizer(phrases, engine, model, notify=lambda _: None, clear=clear)

    def hear(self, sentence: Sentence, voice: Voice, condition: str) -> Outcome:
        pcm = load_wav(render(sentence.say, voice, condition))
        start = time.perf_counter()
        raw = self.recognizer.transcribe(pcm)
        return self.decide(sentence, voice.name, condition, raw, start)


_hearer: Hearer | None = None


def _start(engine: str, model: str | None, both: bool = False) -> None:
    global _hearer
    _hearer = Hearer(load_pack(find_pack(None)), engine, model, both)


def _hear(task: tuple[Sentence, Voice, str]) -> Outcome:
    assert _hearer is not None
    return _hearer.hear(*task)


def hear_all(
    tasks: list[tuple[Sentence, Voice, str]],
    engine: str = "sphinx",
    model: str | None = None,
    workers: int = 2,
    both: bool = False,
) -> list[Outcome]:
    """Every (sentence, voice, condition) heard, by `workers` processes (the machine has 2 cores),
    each with its own recogniser. The shipped pack, as `voice-guide run` finds it."""
    with multiprocessing.Pool(max(1, min(2, workers)), _start, (engine, model, both)) as pool:
        return list(pool.imap_unordered(_hear, tasks, chunksize=8))


def share(outcomes: Iterable[Outcome], kind: str, rejected: bool = False) -> tuple[int, int]:
    """(right, of how many) for one kind; with `rejected`, how many of that kind were rejected
    with no pointer to emergency help."""
    chosen = [o for o in outcomes if o.kind == kind]
    return sum(o.rejected and not o.pointed if rejected else o.right for o in chosen), len(chosen)


def as_dict(outcome: Outcome) -> dict:
    return asdict(outcome)
