"""A pack's own warning signs (issue 12): emergency signs that a pack may add, each quoted from a
cited public source. The guide never says a warning sign without one, so `source` is required."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_SIGN_KEYS = {"id", "text", "source", "source_name", "statements"}


@dataclass(frozen=True)
class WarningSign:
    """Said after the emergency line when one of its statements (hassil templates) is heard."""

    id: str
    text: str  # quoted word for word from the source
    source: str  # the public address it is quoted from (http:// or https://)
    source_name: str  # how the source is named aloud ("the NHS"); "" to say the text alone
    statements: tuple[str, ...]


def read_warning_signs(reader: Any, data: dict) -> tuple[WarningSign, ...]:
    """The pack's `warning_signs`, checked with the pack reader (file, line and field on error)."""
    raw = data.get("warning_signs") or []
    if not isinstance(raw, list):
        raise reader.fail(data, "warning_signs", "warning_signs", "must be a list of warning signs")
    signs = []
    seen: set[str] = set()
    for n, entry in enumerate(raw):
        fld = f"warning_signs[{n}]"
        sign = reader.mapping(entry, fld, data, "warning_signs")
        reader.unknown_keys(sign, _SIGN_KEYS, fld)
        source = reader.text(sign, "source", fld)
        if not source.startswith(("http://", "https://")):
            raise reader.fail(
                sign, "source", f"{fld}.source", "must be the public address (https://...) it is quoted from"
            )
        statements = reader.words(sign, "statements", fld)
        if not statements:
            where = "statements" if "statements" in sign else None
            raise reader.fail(sign, where, f"{fld}.statements", "must list what people say, as templates")
        signs.append(
            WarningSign(
                id=reader.ident(sign, fld, seen),
                text=reader.text(sign, "text", fld),
                source=source,
                source_name=reader.text(sign, "source_name", fld, False) or "",
                statements=statements,
            )
        )
    return tuple(signs)
