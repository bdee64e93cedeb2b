"""The content pack: faithful to its source, and a broken pack fails with one clear line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from voice.content.pack import Pack, load_pack
from voice.errors import PackError

GOOD = textwrap.dedent("""\
    format: 1
    id: demo
    title: Demo
    welcome: Hello.
    disclaimer: Not advice.
    sections:
      - id: about
        name: About
        intro: An intro.
        items:
          - id: one
            name: One
            text: The first thing.
    """)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_sections_and_item_counts(pack: Pack) -> None:
    counts = {s.id: len(s.items) for s in pack.sections}
    assert counts == {"about": 0, "causes": 6, "symptoms": 4, "treatments": 8}


def test_every_text_is_the_source_wording(pack: Pack, source_of) -> None:
    # The source, with its one artefact mended ("heaviness3"), as a run of words.
    source = " ".join(_words(source_of(pack).replace("heaviness3", "heaviness")))
    for section in pack.sections:
        assert " ".join(_words(section.intro)) in source, section.id
        for item in section.items:
            assert " ".join(_words(item.name)) in source, item.id
            if item.text:
                assert " ".join(_words(item.text)) in source, item.id


def test_treatments_are_names_only_as_in_the_source(pack: Pack) -> None:
    treatments = next(s for s in pack.sections if s.id == "treatments")
    assert all(item.name_only for item in treatments.items)


def _broken(tmp_path: Path, text: str) -> PackError:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return caught.value


def test_good_pack_loads(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_pack(path).sections[0].items[0].text == "The first thing."


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("name: One", "name: [One"))
    assert error.field == "yaml" and error.line is not None and error.line >= 12


def test_missing_field(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("title: Demo\n", ""))
    assert error.field == "title" and "missing" in error.problem


def test_missing_item_text(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("        text: The first thing.\n", ""))
    assert error.field == "sections[0].items[0].text" and error.line == 11


def test_mistyped_field(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("name: About", "name: About\n    words: slipped disc"))
    assert error.field == "sections[0].words" and error.line == 9


def test_boolean_in_words_is_refused(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("name: About", "name: About\n    words: [yes, no]"))
    assert error.field == "sections[0].words"


def test_unknown_field_is_a_typo(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("text: The first thing.", "txt: The first thing."))
    assert error.field == "sections[0].items[0].txt" and error.line == 13


def test_duplicate_id(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("- id: one", "- id: about"))
    assert error.field == "sections[0].items[0].id" and "duplicate" in error.problem and error.line == 11


def test_empty_text(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("text: The first thing.", 'text: "  "'))
    assert error.field == "sections[0].items[0].text" and "empty" in error.problem


def test_bad_id(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("- id: one", "- id: One Two"))
    assert error.field == "sections[0].items[0].id"


def test_no_sections(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.split("sections:")[0] + "sections: []\n")
    assert error.field == "sections"


def test_wrong_format_version(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("format: 1", "format: 2"))
    assert error.field == "format" and error.line == 1


def test_not_a_mapping(tmp_path: Path) -> None:
    error = _broken(tmp_path, "- just\n- a list\n")
    assert error.field == "pack"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="not found"):
        load_pack(tmp_path / "nowhere.yaml")


def test_python_objects_are_never_built(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("title: Demo", "title: !!python/object/apply:os.system ['true']"))
    assert error.field == "yaml"


def test_a_duplicate_key_is_named_not_silently_replaced(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD.replace("        text: The first thing.\n", "        text: A.\n        text: B.\n"))
    assert error.field == "sections[0].items[0].text" and error.line == 14 and "twice (also line 13)" in error.problem


def test_latin_1_names_the_line_the_field_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.replace("The first thing.", "The first café.").encode("latin-1"))
    with pytest.raises(PackError) as caught:
        load_pack(path)
    error = caught.value
    assert error.line == 13 and error.field == "sections[0].items[0].text"
    assert "not UTF-8" in error.problem and "save the file as UTF-8" in error.problem and "\n" not in str(error)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf_16_is_named_with_the_fix(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "wide.yaml"
    path.write_bytes(GOOD.encode(encoding))
    with pytest.raises(PackError, match="UTF-16; save it as UTF-8"):
        load_pack(path)


def test_a_utf_8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert load_pack(path).id == "demo"


@pytest.mark.parametrize(
    "nested", ["[" * 1000 + "]" * 1000, "".join(f"  {'  ' * n}k{n}:\n" for n in range(1000)) + "  x"]
)
def test_deep_nesting_is_one_line_not_a_crash(tmp_path: Path, nested: str) -> None:
    error = _broken(
        tmp_path, GOOD.replace("title: Demo", "title: Demo\nwords: " + ("\n" if nested[0] != "[" else "") + nested)
    )
    assert "nested over" in error.problem and error.line is not None and error.field.startswith("words")


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9)
    )
    error = _broken(tmp_path, bomb + GOOD)
    assert "aliases (*name) expand to over" in error.problem and error.line is not None and error.line <= 9


def test_item_word_and_topic(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD.replace("name: About", "name: Steps\n    topic: how to do it"), encoding="utf-8")
    section = load_pack(path).sections[0]
    assert section.item_word == "Step" and section.topic == "how to do it"  # the word from "Steps"
    path.write_text(GOOD.replace("name: About", "name: Steps\n    item_word: Stage"), encoding="utf-8")
    assert load_pack(path).sections[0].item_word == "Stage"
    assert load_pack(tmp_path / "good.yaml").sections[0].item_word == "Stage"


def test_pack_texts_must_be_texts_the_guide_says(tmp_path: Path) -> None:
    from voice.conversation.session import Session

    path = tmp_path / "texts.yaml"
    path.write_text(GOOD + "texts:\n  end: That is all about {title}.\n", encoding="utf-8")
    assert Session(load_pack(path)).texts.say("end") == "That is all about demo."
    for text, problem in (
        ("  ending: The end.", "not a text the guide says"),
        ("  end: The end of {section}.", "uses {section}, which it cannot fill in"),
        ("  end: The end {.", "has a { without its }"),
    ):
        path.write_text(GOOD + "texts:\n" + text + "\n", encoding="utf-8")
        with pytest.raises(PackError, match=re.escape(problem)) as caught:
            Session(load_pack(path))
        assert caught.value.line == 15 and caught.value.field.startswith("texts.")
