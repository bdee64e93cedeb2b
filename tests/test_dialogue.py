"""The conversation logic, turn by turn, without any audio."""

from __future__ import annotations

import subprocess
import sys

from voice.content.pack import Pack
from voice.conversation.session import Session
from voice.conversation.settings import RATE_MAX, RATE_MIN
from voice.understanding.router import Router


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
    walked = [session.handle("next").item for _ in causes]
    assert walked == causes
    assert session.handle("next").section == "symptoms"  # on into the next section
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
    for answer, expected in (("yes", 0), ("the first one", 0), ("the second one", 1), ("degenerative disc disease", 1)):
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
    assert reply.text.index("Weakness") < reply.text.index("Postural pain") < reply.text.index("Foraminotomy")
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
