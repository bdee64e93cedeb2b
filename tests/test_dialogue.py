"""The conversation logic, turn by turn, without any audio."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from types import SimpleNamespace

import pytest

from voice.content.pack import Pack
from voice.conversation import session as session_module
from voice.conversation.intents import Intent, as_intent, check_commands
from voice.conversation.session import Session
from voice.conversation.settings import RATE_MAX, RATE_MIN
from voice.errors import GuideError
from voice.understanding.router import Router
from voice.understanding.vocabulary import load_commands


def _session(pack: Pack, router: Router) -> Session:
    session = Session(pack, router)
    session.welcome()
    return session


def test_section_names_its_items_then_next_walks_them_in_order(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    reply = session.handle("what causes leg pain")
    for name in (
        "herniated disc",
        "pregnancy",
        "spinal stenosis",
        "degenerative disc disease",
        "arthritis",
        "injury or infection",
    ):
        assert name in reply.text.lower()
    causes = [i.id for i in pack.sections[1].items]
    walked = []
    while (reply := session.handle("next")).section == "causes":
        walked.append(reply.item)
    assert list(dict.fromkeys(walked)) == causes  # each in order, a long one in several parts
    assert walked.count("herniated-disc") == 2 and len(walked) == len(causes) + 1
    assert reply.section == "symptoms" and reply.item is None  # on into the next section
    assert session.handle("previous").item == causes[-1]


def test_repeat_says_the_last_reply_again(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    said = session.handle("pregnancy").text
    session.handle("slower")  # a control is not what "repeat" repeats
    assert session.handle("repeat").text == said


def test_name_only_items_say_so_and_invent_nothing(pack: Pack, router: Router) -> None:
    reply = _session(pack, router).handle("tell me about laminotomy")
    assert reply.item == "laminotomy"
    assert "no more information" in reply.text and "doctor" in reply.text


def test_clarification_accepts_yes_first_second_and_name(pack: Pack, router: Router) -> None:
    answers = (("yes", 0), ("the first one", 0), ("the second one", 1), ("number two", 1), ("read the second one", 1))
    for answer, expected in (*answers, ("degenerative disc disease", 1)):
        session = _session(pack, router)
        reply = session.handle("disc")
        assert reply.intent == "clarify" and reply.text.startswith("Did you mean")
        chosen = session.handle(answer)
        assert chosen.item == ("herniated-disc", "degenerative-disc-disease")[expected], answer


def test_repeated_misunderstanding_gets_shorter(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    first = session.handle("what is the weather like")
    second = session.handle("purple monkey dishwasher")
    assert first.intent == second.intent == "unknown"
    assert len(second.text) < len(first.text) and second.text.startswith("You can say")
    assert "causes" in first.text and "causes" in second.text  # never a dead end
    assert session.handle("symptoms").intent == "section"
    assert session.handle("gibberish words here").text == first.text  # counting starts again


def test_help_depends_on_where_the_user_is(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    at_start = session.handle("help").text
    session.handle("spinal stenosis")
    in_item = session.handle("what can i say").text
    assert at_start != in_item and "spinal stenosis" in in_item and "degenerative disc disease" in in_item


def test_every_place_has_help_and_a_way_back(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    for position in range(len(session.places)):
        session.reached(position)
        assert session.handle("help").intent == "help"
        session.reached(position)
        assert session.handle("start over").intent == "start_over"
        assert session.position == -1


def test_controls_confirm_and_stay_within_bounds(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    assert session.handle("slower").text == "Speaking slower."
    for _ in range(20):
        session.handle("slower")
    assert session.settings.rate == RATE_MIN and "slowest" in session.handle("slower").text
    for _ in range(20):
        session.handle("faster")
    assert session.settings.rate == RATE_MAX
    assert session.handle("louder").intent == "louder"
    assert session.handle("quit").quit


def test_read_all_reads_on_to_the_end_in_parts(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    session.handle("symptoms")
    reply = session.handle("read all")
    text = reply.text.lower()
    assert text.index("weakness") < text.index("postural pain") < text.index("foraminotomy")
    assert "end of the guide" in reply.text and reply.parts
    session.reached(reply.parts[1][0])  # stopped during the second part
    assert session.handle("next").item == "foot-pain"


def test_start_over_returns_to_the_welcome(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    session.handle("arthritis")
    reply = session.handle("main menu")
    assert "Welcome" in reply.text and session.handle("next").section == "about"


def test_dialogue_never_imports_audio() -> None:
    code = (
        "import sys, voice.conversation.session, voice.understanding.router; "
        "print(sorted(m for m in ('pyaudio','pyttsx3','speech_recognition','vosk','pocketsphinx') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_name_only_item_says_so_in_full_once_then_shortly(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    first = session.handle("laminotomy").text
    assert first.startswith("Treatment 6 of 8: Laminotomy.") and "no more information" in first
    again = [session.handle(said).text for said in ("next", "x stop", "laminotomy")]
    assert again[0] == "Treatment 7 of 8: Foraminotomy. No more detail on this one."
    assert all(text.endswith("No more detail on this one.") and "no more information" not in text for text in again)
    everything = " ".join([first, *again, session.handle("read all").text])
    assert "right for you" not in everything  # the guide never suggests an operation


def test_items_are_placed_and_about_has_a_heading(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    assert session.handle("pregnancy").text.startswith("Cause 2 of 6: Pregnancy. The expanding uterus")
    assert session.handle("foot drop").text.startswith("Symptom 1 of 4: Weakness. Leg weakness")
    assert session.handle("what is sciatica").text.startswith("About leg pain and weakness. Pain and weakness")
    weakness = session.handle("weakness").text
    assert "lumbar or sacral spinal nerve" in weakness and "and, or" not in weakness


def test_help_and_not_understood_name_the_sections_the_pack_has(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    unknown = session.handle("what is the weather").text
    assert "leg pain and weakness: what it is, causes, symptoms, and treatments" in unknown
    assert "what it is, causes, symptoms, and treatments" in session.handle("help").text


def test_reading_on_from_a_part_and_continue_after_stop(pack: Pack, router: Router) -> None:
    session = _session(pack, router)
    session.handle("herniated disc")
    session.handle("help")  # help says where "more" leads, and keeps the place
    assert "more to hear the rest" in session.handle("what can i say").text
    assert "cushioning them" in session.handle("more").text
    assert session.handle("go back").text.startswith("Cause 1 of 6: Herniated disc.")
    assert session.handle("stop").stop
    rest = session.handle("continue")  # read on: the rest of this item first, then the others
    assert rest.intent == "read_all" and rest.text.startswith("Your spine is made up of vertebrae")
    assert rest.text.count("Herniated disc.") == 0 and "Cause 2 of 6: Pregnancy" in rest.text


def test_reply_is_immutable(pack: Pack, router: Router) -> None:
    reply = _session(pack, router).handle("next")
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.text = "changed"  # type: ignore[misc]
    assert dataclasses.replace(reply, heard="x").heard == "x" and reply.heard == "next"


def test_an_intent_without_a_handler_fails_at_load(pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    phrases = {"next": ("next",), "nxt": ("skip",)}
    monkeypatch.setattr(session_module, "load_commands", lambda: SimpleNamespace(phrases=phrases))
    with pytest.raises(GuideError, match="commands.yaml: intent 'nxt' is not one the guide knows"):
        Session(pack)
    handled = {i for i in session_module.HANDLERS if i is not Intent.KEYS}
    with pytest.raises(GuideError, match="intent 'keys' has no handler"):
        check_commands(["next", "keys"], handled)
    check_commands(load_commands().phrases, session_module.HANDLERS)  # the shipped phrases all have one
    assert all(as_intent(i.value) is i for i in Intent) and Intent.NEXT == "next"
