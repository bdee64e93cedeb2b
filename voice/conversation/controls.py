"""Commands that change the voice, the sounds or what is remembered, not the place in the guide."""

from __future__ import annotations

from ..content.model import Pack
from ..understanding.router import Request
from .intents import Intent
from .keymap import KEYS
from .memory import Memory
from .reply import Reply
from .settings import Settings
from .texts import Texts, inline


class Controls:
    """Mixed into Session, which provides the attributes and the three methods below."""

    pack: Pack
    settings: Settings
    memory: Memory
    texts: Texts

    def _said(self, reply: Reply) -> Reply:
        raise NotImplementedError

    def _go_to(self, target: str, intent: Intent) -> Reply:
        raise NotImplementedError

    def _here(self) -> tuple[str, str] | None:
        """(id, spoken name) of where the user is; None at the welcome."""
        raise NotImplementedError

    def _change(self, intent: Intent, changed: bool, limit: str) -> Reply:
        return Reply(self.texts.say(intent.value if changed else limit), intent, settings_changed=changed)

    def _slower(self, request: Request) -> Reply:
        return self._change(Intent.SLOWER, self.settings.change_rate(-1), "slowest")

    def _faster(self, request: Request) -> Reply:
        return self._change(Intent.FASTER, self.settings.change_rate(1), "fastest")

    def _louder(self, request: Request) -> Reply:
        return self._change(Intent.LOUDER, self.settings.change_volume(1), "loudest")

    def _quieter(self, request: Request) -> Reply:
        return self._change(Intent.QUIETER, self.settings.change_volume(-1), "quietest")

    def _cues_off(self, request: Request) -> Reply:
        changed = self.settings.sound_cues
        self.settings.sound_cues = False
        return Reply(self.texts.say("cues_off"), Intent.CUES_OFF, settings_changed=changed)

    def _cues_on(self, request: Request) -> Reply:
        changed = not self.settings.sound_cues
        self.settings.sound_cues = True
        return Reply(self.texts.say("cues_on"), Intent.CUES_ON, settings_changed=changed)

    def _keys(self, request: Request) -> Reply:
        keys = ", ".join(f"{k.spoken} {k.phrase}" for k in KEYS)
        return self._said(Reply(self.texts.say("keys", keys=keys), Intent.KEYS))

    def _bookmark(self, request: Request) -> Reply:
        here = self._here()
        if here is None:
            return Reply(self.texts.say("bookmark_nothing"), Intent.BOOKMARK)
        self.memory.bookmark = here[0]
        return Reply(self.texts.say("bookmark", place=inline(here[1])), Intent.BOOKMARK, memory_changed=True)

    def _goto_bookmark(self, request: Request) -> Reply:
        mark = self.memory.bookmark
        if mark not in self.pack.by_id:
            return self._said(Reply(self.texts.say("no_bookmark"), Intent.GOTO_BOOKMARK))
        return self._go_to(mark, Intent.GOTO_BOOKMARK)

    def _stop(self, request: Request) -> Reply:
        return Reply(self.texts.say("stop"), Intent.STOP, stop=True)

    def _quit(self, request: Request) -> Reply:
        return Reply(self.texts.say("quit"), Intent.QUIT, quit=True)
