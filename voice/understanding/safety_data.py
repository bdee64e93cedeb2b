"""Reading safety.yaml and expanding its hassil templates: shared by the safety statements
(safety.py) and by what the recognisers are told to expect (vocabulary.py)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from hassil import TextSlotList, parse_sentence, sample_expression
from hassil.expression import Sentence

from ..errors import GuideError
from .normalize import normalize

SAFETY_FILE = Path(__file__).parent / "safety.yaml"


@lru_cache(maxsize=2)
def load_statements(path: str = str(SAFETY_FILE)) -> dict:
    try:
        # libyaml's loader when installed: the file is long and read at every start.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise GuideError(f"{path}: the safety statements cannot be read ({exc}).") from None
    missing = [key for key in ("lists", "rules", "statements", "urgent", "hear") if key not in (data or {})]
    if missing:
        raise GuideError(f"{path}: the safety statements have no {', '.join(missing)}.")
    return data


def expand(
    template: str, lists: dict[str, TextSlotList] | None = None, rules: dict[str, Sentence] | None = None
) -> list[str]:
    """Every sentence a hassil template stands for."""
    try:
        return list(sample_expression(parse_sentence(template).expression, lists or {}, rules or {}))
    except Exception as exc:  # hassil raises several kinds for a bad template
        raise GuideError(f"{SAFETY_FILE.name}: the template '{template}' cannot be read ({exc}).") from None


@lru_cache(maxsize=1)
def heard_phrases() -> tuple[str, ...]:
    """Emergency sentences for a recogniser to expect (safety.yaml `hear`), normalised."""
    rules = {str(k): parse_sentence(str(v)) for k, v in load_statements()["rules"].items()}
    return tuple(dict.fromkeys(normalize(t) for h in load_statements()["hear"] for t in expand(str(h), rules=rules)))
