"""A recogniser that loads while the guide already speaks.

Loading PocketSphinx's decoders (or a Vosk model) takes one to three seconds; the guide's first
words need none of it, since nothing is heard until the welcome has started. So the recogniser is
built in a thread, and the first use waits for it (and raises what loading raised).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..types import Recognizer, Stream, Transcript


class LoadingRecognizer:
    def __init__(
        self,
        load: Callable[[], Recognizer],
        on_ready: Callable[[Recognizer], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._recognizer: Recognizer | None = None
        self._error: BaseException | None = None

        def work() -> None:
            try:
                self._recognizer = load()
            except BaseException as exc:  # kept to be raised where the recogniser is used
                self._error = exc
                if on_error:
                    on_error(exc)
                return
            if on_ready:
                on_ready(self._recognizer)

        self._thread = threading.Thread(target=work, name="load-recognizer", daemon=True)
        self._thread.start()

    def ready(self) -> Recognizer:
        """The recogniser, once loaded; raises what loading raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._recognizer is not None
        return self._recognizer

    @property
    def name(self) -> str:
        return self.ready().name

    @property
    def description(self) -> str:
        return self.ready().description

    def transcribe(self, pcm: bytes) -> Transcript:
        return self.ready().transcribe(pcm)

    def stream(self) -> Stream:
        return self.ready().stream()


def load_recognizer(load: Callable[[], Recognizer], notify: Callable[[str], None], at_once: bool) -> Recognizer:
    """The recogniser, loaded now (`at_once`: its errors stop the start, e.g. a chosen model that is
    missing) or in the background, saying which engine listens once it is ready."""

    def ready(recognizer: Recognizer) -> None:
        notify(f"Listening with {recognizer.description}.")

    if at_once:
        recognizer = load()
        ready(recognizer)
        return recognizer
    return LoadingRecognizer(load, on_ready=ready, on_error=lambda exc: notify(str(exc)))
