"""Every spoken fact is the source's: each item is read in parts, in order, each part verbatim from
the source page (the seed text for the shipped pack), with only headings and prompts around it;
and every reply is short enough to hold by ear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voice.content.pack import Pack, available_packs, load_pack
from voice.conversation.reading import MAX_SENTENCES, MAX_WORDS, sentences
from voice.conversation.session import Session

KETTLE = Path(__file__).resolve().parent / "packs" / "kettle.yaml"
# Artefacts of a source page that its pack mends (named in the pack's header comment).
MENDS = {"000_99ed2ad82b6eba88.txt": (("heaviness3", "heaviness"),)}
# A `spoken_text` may reword only these, besides punctuation: every other word is the source's,
# in the source's order ("vertebrae (bones)" -> "vertebrae, which are bones,").
LINKING = frozenset("a an the and or which is are this that it called both".split())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", text.lower())


def _content(text: str) -> list[str]:
    return [w for w in _words(text) if w not in LINKING]


def _run_in(part: list[str], whole: list[str]) -> bool:
    """`part` occurs in `whole` as one unbroken run."""
    n = len(part)
    return any(whole[i : i + n] == part for i in range(len(whole) - n + 1))


@pytest.fixture(params=[*sorted(available_packs()), "kettle"])
def guide(request: pytest.FixtureRequest, source_of) -> tuple[Pack, str]:
    shipped = available_packs()
    chosen = load_pack(shipped[request.param] if request.param in shipped else KETTLE)
    source = source_of(chosen)
    for old, new in MENDS.get(chosen.source, ()):
        source = source.replace(old, new)
    return chosen, source


def test_each_part_of_each_item_is_verbatim_from_the_source(guide: tuple[Pack, str]) -> None:
    pack, source = guide
    words, content = _words(source), _content(source)
    reading = Session(pack).reading
    checked = 0
    for position, (_, item) in enumerate(reading.places):
        if item is None or item.reading is None:
            continue
        parts = reading.item_parts(position)
        assert " ".join(parts) == " ".join(item.reading.split()), item.id  # all of it, in order
        for part in parts:
            assert 1 <= len(sentences(part)) <= MAX_SENTENCES, part
            if item.spoken_text is None:
                assert _run_in(_words(part), words), f"{item.id}: not verbatim: {part}"
            assert _run_in(_content(part), content), f"{item.id}: not the source's words: {part}"
            checked += 1
        if item.spoken_text is not None:  # reworded for the ear, sentence by sentence
            heard, written = sentences(item.spoken_text), sentences(item.text or "")
            assert [_content(s) for s in heard] == [_content(s) for s in written], item.id
    assert checked >= sum(1 for s in pack.sections for i in s.items if i.text)


def test_the_guide_says_the_parts_with_only_a_heading_and_a_prompt(guide: tuple[Pack, str]) -> None:
    pack, _ = guide
    session = Session(pack)
    more = session.texts.say("more")
    for position, (_, item) in enumerate(session.places):
        if item is None or item.reading is None:
            continue
        parts = session.reading.item_parts(position)
        said = [session.handle(item.name).text]
        said += [session.handle("more").text for _ in parts[1:]]
        expected = [session.reading.heading(position) + " " + parts[0], *parts[1:]]
        expected = [f"{text} {more}" for text in expected[:-1]] + [expected[-1]]
        assert said == expected, item.id
        after = session.handle("next")  # then on to the next place, or the end
        assert after.item != item.id or after.text == session.texts.say("end"), item.id


def test_section_intros_are_the_source(guide: tuple[Pack, str]) -> None:
    pack, source = guide
    content = _content(source)
    for section in pack.sections:
        assert _run_in(_content(section.spoken_intro), content), section.id


def _replies(session: Session) -> list[tuple[str, str]]:
    out = [("welcome", session.welcome().text)]
    for position in range(len(session.places)):
        session.reached(position)
        session.position, session.pages = position, session.reading.pages(position)
        for page in session.pages:
            out.append((session.places[position][1].id if session.places[position][1] else "", page))
        for command in ("help", "what is the weather", "gibberish", "go back", "remember this"):
            out.append((command, session.handle(command).text))
    return out


def test_no_reply_runs_over_60_words_without_a_pause_point(guide: tuple[Pack, str]) -> None:
    pack, _ = guide
    session = Session(pack)
    for where, text in _replies(session):
        assert len(text.split()) <= MAX_WORDS, f"{where}: {len(text.split())} words: {text}"
    session = Session(pack)
    session.welcome()
    reply = session.handle("read all")
    assert all(len(text.split()) <= MAX_WORDS for _, text in reply.parts), max(reply.parts, key=lambda p: len(p[1]))


def test_read_all_names_each_item_once(guide: tuple[Pack, str]) -> None:
    pack, _ = guide
    session = Session(pack)
    session.welcome()
    parts = [text for _, text in session.handle("read all").parts]
    for position, (section, item) in enumerate(session.places):
        if item is None:
            continue
        named = sum(session.reading.heading(position) in text for text in parts)
        named += sum(session.reading.names(section) in text for text in parts)
        assert named == 1, f"{item.id} named {named} times"
