"""Safety first (issue 12): emergencies answered in every state, advice and medicine questions sent to
a doctor or pharmacist, other health questions referred, the disclaimer on demand, and a pack's
warning signs only with a cited source.

The sentences come from leg_pain.blind/typed_safety.yaml, written blind from the issue and the
source page. Only its `dev` entries are asserted here; the `heldout` ones are measured, never
tuned on (scripts/safety_figures.py --split heldout). The spoken tests use real espeak-ng speech
and the real PocketSphinx recogniser; the microphone is a scripted stand-in.
"""

from __future__ import annotations

import io
import queue
import re
import shutil
from collections.abc import Generator
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from voice.app.packtests import load_tests, run_dialogue
from voice.content.pack import Pack, find_pack, load_pack
from voice.conversation.session import Session
from voice.conversation.settings import EMERGENCY_NUMBER_DEFAULT, Settings, describe, set_value
from voice.errors import GuideError, PackError
from voice.loop.loop import Loop, Options, Parts
from voice.speaking.speaker import Silent
from voice.types import Heard
from voice.understanding.router import Router
from voice.understanding.safety import Safety, safety_for
from voice.understanding.safety_data import heard_phrases
from voice.understanding.vocabulary import recognizer_phrases

PACK_PATH = find_pack(None)
BLIND = PACK_PATH.parent / "leg_pain.blind"


def _blind(name: str, expect: str | None = None) -> list[str]:
    entries = yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))
    return [e["say"] for e in entries if e["split"] == "dev" and expect in (None, e["expect"])]


EMERGENCIES = _blind("typed_safety.yaml", "emergency")
ADVICE = _blind("typed_safety.yaml", "advice")
REFERRALS = _blind("typed_safety.yaml", "referral")
# What a person may have just done when they say it.
STATES = {
    "start": [],
    "mid-reading": ["what causes leg pain", "read all"],
    "clarifying": ["disc"],
    "after misunderstandings": ["purple monkey dishwasher", "gibberish words here"],
    "after stop": ["arthritis", "stop"],
}


def _session(pack: Pack, router: Router, before: list[str] = (), number: str | None = None) -> Session:
    settings = Settings() if number is None else Settings(emergency_number=number)
    session = Session(pack, router, settings)
    session.welcome()
    for line in before:
        session.handle(line)
    return session


# --- the statements ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, sentences", [("emergency", EMERGENCIES), ("advice", ADVICE), ("referral", REFERRALS)])
def test_blind_dev_sentences_are_classified(pack: Pack, kind: str, sentences: list[str]) -> None:
    assert len(sentences) >= 15
    wrong = [(s, safety_for(pack).classify(s).kind) for s in sentences if safety_for(pack).classify(s).kind != kind]
    assert not wrong, wrong


def test_blind_negatives_and_in_scope_do_not_fire(pack: Pack) -> None:
    safety = safety_for(pack)
    fired = {s for s in _blind("typed_negatives.yaml") if safety.classify(s).kind != "none"}
    # The one difference from the blind labels: an ear infection is a health question outside the
    # guide, which the issue asks to refer to a doctor or pharmacist.
    assert fired <= {"my ear infection"}, fired
    in_scope = yaml.safe_load((BLIND / "typed_in_scope.yaml").read_text(encoding="utf-8"))
    fired = [
        (e["say"], safety.classify(e["say"]).kind)
        for e in in_scope
        if e["split"] == "dev" and safety.classify(e["say"]).kind not in ("none", e["expect"])
    ]
    assert not fired, fired


@pytest.mark.parametrize(
    "everyday",
    [
        "the car's chest freezer",
        "i'll call you later",
        "stop the bleeding on the page",
        "the chest of drawers is heavy",
        "i could kill for a cup of tea",
        "stroke the cat",
        "i take my tablets at eight",
        "i fell asleep in the chair",
        "the shed roof collapsed",
        "can you help me find my glasses",
        "what is the number for the council",
        "could a fall give you sciatica",
        "i can't lift my foot off the floor properly",
        "help",
        "i need help",
        "the bath water has gone cold",
        "she gave a lovely speech at the wedding",
        "i bought a whole packet of biscuits",
        "my chest of drawers has gone grey with dust",
    ],
)
def test_everyday_sentences_sharing_a_word_are_not_emergencies(pack: Pack, everyday: str) -> None:
    assert not safety_for(pack).emergency(everyday)


@pytest.mark.parametrize(
    "misheard", ["call an ambulence", "this is an emergancy", "i cant breath", "my husbands collasped", "overdosed"]
)
def test_misspelt_and_misheard_emergencies(pack: Pack, misheard: str) -> None:
    assert safety_for(pack).emergency(misheard)


@pytest.mark.parametrize(
    "said",
    [
        "i've had a fall and i'm still on the floor",
        "i'm in the bath and i can't get out",
        "i've had an accident with my bowels",
        "i've gone numb between my legs",
        "his speech has gone slow",
        "her talking went strange all of a sudden",
        "half my face has dropped",
        "he's holding his chest and he's gone grey",
        "she's swallowed a whole packet",
        "i burnt myself on purpose",
        "i've been on the floor since last night",
        "she's been lying on the ground for hours",
    ],
)
def test_emergencies_said_in_other_words(pack: Pack, said: str) -> None:
    # The words people used in the spoken development set, where the templates had missed.
    assert safety_for(pack).emergency(said)


def test_everything_the_recognisers_are_told_is_an_emergency(pack: Pack) -> None:
    hear = heard_phrases()
    assert len(hear) >= 15 and "call an ambulance" in hear
    assert [h for h in hear if not safety_for(pack).emergency(h)] == []
    phrases = recognizer_phrases(pack)
    assert set(hear) <= set(phrases.commands) and set(hear) <= set(phrases.whole)


def test_a_template_with_a_filler_word_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((Path(__file__).parent.parent / "voice/understanding/safety.yaml").read_text())
    data["statements"] = [{"kind": "emergency", "name": "x", "match": ["i like falling"]}]
    bad = tmp_path / "safety.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(GuideError, match="filler word"):
        Safety(None, str(bad))


# --- the replies, in every state -------------------------------------------------------------------


@pytest.mark.parametrize("state", sorted(STATES))
def test_every_emergency_gets_the_emergency_line_in_every_state(pack: Pack, router: Router, state: str) -> None:
    missed = []
    for sentence in EMERGENCIES:
        session = _session(pack, router, STATES[state], number="999")
        reply = session.handle(sentence)
        if reply.intent != "emergency" or reply.text.count("nine nine nine") != 2:
            missed.append((sentence, reply.intent, reply.text[:60]))
        elif session.choices:
            missed.append((sentence, "a question was left pending"))
    assert not missed, missed


def test_the_emergency_line_and_repeat(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    reply = session.handle("i think i'm having a stroke")
    assert reply.text == (
        "That could be an emergency. Please call your local emergency number now, "
        "or ask someone near you to call. Again: call your local emergency number."
    )
    assert session.handle("repeat").text == reply.text
    assert reply.as_json()["intent"] == "emergency"


@pytest.mark.parametrize("state", sorted(STATES))
def test_advice_and_referrals_point_to_a_doctor_and_list_no_operations(pack: Pack, router: Router, state: str) -> None:
    operations = [i.name.lower() for i in pack.by_id["treatments"].items] + ["stimulator", "x stop"]
    wrong = []
    for sentence in ADVICE + REFERRALS:
        text = _session(pack, router, STATES[state]).handle(sentence).text.lower()
        # Offering to read the one operation asked about is fine; naming several is a list.
        if not ("doctor" in text and "pharmacist" in text) or sum(op in text for op in operations) > 1:
            wrong.append((sentence, text))
    assert not wrong, wrong


def test_medicine_questions_offer_no_reading_but_topic_questions_do(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    assert session.handle("how much gabapentin should i take").text == (
        "I can't give medical advice. Please ask your doctor, nurse or pharmacist."
    )
    offered = session.handle("would a spinal cord stimulator work for me")
    assert offered.intent == "advice" and "what the guide says about H F 10 spinal cord stimulator" in offered.text
    assert session.handle("yes").item == "hf10-stimulator"
    assert session.handle("yes").intent != "item"  # the offer is for the next turn only


def test_urgent_words_add_the_emergency_line_to_a_referral(pack: Pack, router: Router) -> None:
    calm = _session(pack, router, number="112").handle("my toddler's got a rash")
    urgent = _session(pack, router, number="112").handle("my toddler's got a rash and is really floppy")
    assert calm.intent == urgent.intent == "referral" and "one one two" not in calm.text
    assert "If it is urgent, please call one one two now." in urgent.text


def test_disclaimer_on_demand_and_in_help(pack: Pack, router: Router) -> None:
    for question in ("disclaimer", "is this medical advice", "who wrote this", "where does this information come from"):
        reply = _session(pack, router).handle(question)
        assert reply.intent == "disclaimer" and reply.text.startswith(pack.disclaimer), question
    assert (
        "The emergency number here is nine nine nine." in _session(pack, router, number="999").handle("disclaimer").text
    )
    assert "disclaimer" in _session(pack, router).handle("help").text


def test_commands_in_health_words_stay_commands(pack: Pack, router: Router) -> None:
    session = _session(pack, router, ["symptoms", "weakness"])
    assert session.handle("can i go back").intent == "previous"
    assert session.handle("which keys can i press").intent == "keys"


def test_the_safety_dialogues_beside_the_pack(pack: Pack, router: Router) -> None:
    tests = load_tests(PACK_PATH.with_name("leg_pain.safety.yaml"))
    assert len(tests.dialogues) >= 8
    problems = [p for d in tests.dialogues for p in run_dialogue(pack, router, d)]
    assert not problems, "\n".join(problems)


# --- the setting -----------------------------------------------------------------------------------


def test_emergency_number_setting() -> None:
    assert Settings().emergency_number == EMERGENCY_NUMBER_DEFAULT == "your local emergency number"
    settings = set_value(Settings(), "emergency-number", " 0 0 0 ")
    assert settings.emergency_number == "0 0 0" and "emergency_number: 0 0 0" in describe(settings)[-1]
    assert set_value(settings, "emergency_number", "default").emergency_number == EMERGENCY_NUMBER_DEFAULT
    for bad in ("", "999; rm -rf", "x" * 41):
        with pytest.raises(GuideError, match="emergency_number must be"):
            set_value(Settings(), "emergency_number", bad)


# --- a pack's own warning signs ----------------------------------------------------------------------


def _pack_with(tmp_path: Path, signs: object) -> Path:
    data = yaml.safe_load(PACK_PATH.read_text(encoding="utf-8"))
    data["warning_signs"] = signs
    path = tmp_path / "signs.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_warning_sign_is_said_after_the_emergency_line_with_its_source(tmp_path: Path) -> None:
    sign = {
        "id": "test-sign",
        "text": "Text quoted from the source.",  # a stand-in: no medical text is made up here
        "source": "https://example.org/source-page",
        "source_name": "The example page",
        "statements": ["(purple|violet) toes"],
    }
    pack = load_pack(_pack_with(tmp_path, [sign]))
    assert pack.warning_signs[0].source == "https://example.org/source-page"
    reply = _session(pack, Router(pack)).handle("my toes have gone purple toes")
    assert reply.intent == "emergency"
    assert reply.text.endswith(
        "Again: call your local emergency number. The example page says: Text quoted from the source."
    )
    assert _session(pack, Router(pack)).handle("i have chest pain").text.endswith("local emergency number.")


@pytest.mark.parametrize(
    "sign, field",
    [
        ({"id": "s", "text": "T.", "statements": ["x"]}, "warning_signs[0].source"),
        ({"id": "s", "text": "T.", "source": "my own notes", "statements": ["x"]}, "warning_signs[0].source"),
        ({"id": "s", "text": "T.", "source": "https://example.org"}, "warning_signs[0].statements"),
        ({"id": "s", "text": "T.", "source": "https://example.org", "statements": ["x"], "sorce": "y"}, "sorce"),
    ],
)
def test_a_warning_sign_without_a_cited_source_is_refused(tmp_path: Path, sign: dict, field: str) -> None:
    with pytest.raises(PackError, match=field.replace("[", r"\[").replace("]", r"\]")) as error:
        load_pack(_pack_with(tmp_path, [sign]))
    assert re.search(r"signs\.yaml:\d+: ", str(error.value))  # the file and the line


def test_the_shipped_pack_has_no_unsourced_warning_signs(pack: Pack) -> None:
    assert all(s.source.startswith("https://") and s.text for s in pack.warning_signs)


# --- the spoken loop: asleep, push to talk, mid-reading -------------------------------------------------

needs_speech = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")), reason="espeak-ng and sox make the test speech"
)


class _Microphone:
    """Hands out one scripted phrase per listen (None: silence); silent while the guide speaks."""

    threshold = 300.0
    quiet_level = None

    def __init__(self, script: list[bytes | None], loop: list[Loop]) -> None:
        self.script, self.loop = list(script), loop

    def phrase(self, timeout: float, limit: float) -> Generator[bytes, None, None]:
        if self.loop and self.loop[0].speaking_text:
            return
        item = self.script.pop(0) if self.script else None
        if item is not None:
            yield from (item[i : i + 3200] for i in range(0, len(item), 3200))


@pytest.fixture(scope="module")
def recognizer(pack: Pack):
    from voice.hearing.sphinx_engine import SphinxRecognizer

    return SphinxRecognizer(recognizer_phrases(pack, ("guide",)))


def _spoken(text: str, folder: Path) -> bytes:
    from tests.support.speech import speak
    from voice.hearing.wav import load_wav

    return load_wav(speak(text, "en-us", 150, folder / f"{text.replace(' ', '_')}.wav", pad=0.3))


def _run(pack: Pack, recognizer, script: list[bytes | None], keys=None, **options) -> list[str]:
    ref: list[Loop] = []
    out = io.StringIO()
    parts = Parts(Session(pack), Silent(), _Microphone(script, ref), recognizer, keys)
    loop = Loop(parts, Options(out=out, **options))
    ref.append(loop)
    assert loop.run() == 0
    return [line for line in out.getvalue().splitlines() if line.startswith("Guide: ")]


@needs_speech
def test_asleep_an_emergency_wakes_the_guide(pack: Pack, recognizer, tmp_path: Path) -> None:
    asleep = [None] * 20  # 8 s to the reprompt, 8 s more to sleep
    script = [*asleep, _spoken("what causes leg pain", tmp_path), _spoken("call an ambulance", tmp_path)]
    guide = _run(pack, recognizer, script, exit_after_silence=30)
    assert any(line.startswith("Guide: (waiting") for line in guide)
    after = guide[next(i for i, g in enumerate(guide) if g.startswith("Guide: (waiting")) :]
    assert not any("sciatica:" in g for g in after)  # asleep, a question without the wake phrase waits
    assert any(g.startswith("Guide: That could be an emergency.") for g in after)


def test_asleep_an_emergency_wakes_the_guide_typed(pack: Pack) -> None:
    out = io.StringIO()
    lines = iter(["", "", "what causes leg pain", "i can't breathe"])
    loop = Loop(Parts(Session(pack), Silent(), lines=lines), Options(out=out, exit_after_silence=4))
    assert loop.run() == 0
    guide = [g for g in out.getvalue().splitlines() if g.startswith("Guide: ")]
    assert guide[-1].startswith("Guide: That could be an emergency.") and not any("sciatica:" in g for g in guide)


def _keys(events: queue.Queue[Heard]) -> SimpleNamespace:
    return SimpleNamespace(events=events, typing=False, on_event=None, stop=lambda: None)


@needs_speech
def test_push_to_talk_emergency(pack: Pack, recognizer, tmp_path: Path) -> None:
    keys: queue.Queue[Heard] = queue.Queue()
    for action in ("talk", "quit"):
        keys.put(Heard("key", action))
    script = [_spoken("help i have fallen and i can not get up", tmp_path)]
    guide = _run(
        pack,
        recognizer,
        script,
        keys=SimpleNamespace(events=keys, typing=False, on_event=None, stop=lambda: None),
        push_to_talk=True,
    )
    assert any(g.startswith("Guide: That could be an emergency.") for g in guide), guide


@needs_speech
def test_mid_reading_an_emergency_cuts_in_but_its_own_words_do_not(pack: Pack, recognizer, tmp_path: Path) -> None:
    session = Session(pack)
    loop = Loop(
        Parts(session, Silent(), _Microphone([_spoken("i have chest pain", tmp_path)], []), recognizer),
        Options(out=io.StringIO()),
    )
    loop.speaking_text = session.handle("read all").text  # the guide is reading the whole guide
    heard = loop._listen_while_speaking()
    assert heard is not None and heard.text == "i have chest pain"
    # The guide's own emergency line, heard back through the microphone, is not a new emergency.
    echo = Loop(
        Parts(session, Silent(), _Microphone([_spoken("emergency", tmp_path)], []), recognizer),
        Options(out=io.StringIO()),
    )
    echo.speaking_text = session.safety.emergency_line("your local emergency number")
    assert echo._listen_while_speaking() is None


def test_an_emergency_that_sounds_misheard_is_near_one_never_one(pack: Pack) -> None:
    safety = safety_for(pack)
    for heard in ("i think i am having a horrid attack", "i do not want to be her anymore"):
        assert safety.near_emergency(heard) and not safety.emergency(heard), heard
    for talk in ("what a horrid day", "her leg hurts when she walks", "my heart is fine thank you"):
        assert not safety.near_emergency(talk), talk
