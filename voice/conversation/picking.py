"""Picking from the list just heard: "the third one", "number two", or "the first one" with no
question pending, is that item of the section being read."""

from __future__ import annotations

from ..content.model import Item, Section
from ..understanding.router import Request
from .intents import Intent
from .reply import Reply
from .texts import Texts, inline

WELCOME = -1  # position before the first section (the session's too)


class Picking:
    """Mixed into Session, which provides the attributes and the methods below."""

    texts: Texts
    places: list[tuple[Section, Item | None]]
    position: int

    def _said(self, reply: Reply) -> Reply:
        raise NotImplementedError

    def _go_to(self, target: str, intent: Intent) -> Reply:
        raise NotImplementedError

    def _unknown(self, request: Request) -> Reply:
        raise NotImplementedError

    def _ordinal(self, request: Request) -> Reply:
        # The list the user has heard is the items of the section they are in (none at the welcome).
        section = None if self.position == WELCOME else self.places[self.position][0]
        items = section.items if section else ()
        number = request.number
        if section is None or not items or not number:
            return self._said(self._unknown(request))
        if number > len(items):
            text = self.texts.say("ordinal_beyond", count=len(items), name=inline(section.name))
            return self._said(Reply(text, Intent.ORDINAL))
        return self._go_to(items[number - 1].id, Intent.ITEM)

    def _unexpected_answer(self, request: Request) -> Reply:
        """An answer ("yes", "the second one") with no question pending: a place in the list
        being read, if it names one; else not understood."""
        if request.number:
            return self._ordinal(request)
        return self._said(self._unknown(request))
