"""The one error family of the guide: every failure a user or caregiver can cause."""

from __future__ import annotations


class GuideError(Exception):
    """A problem explained in one plain line (with the fix), shown instead of a traceback."""


class PackError(GuideError):
    """A content pack that cannot be used: names the file, the line and the field."""

    def __init__(self, path: str, line: int | None, field: str, problem: str) -> None:
        self.path, self.line, self.field, self.problem = path, line, field, problem
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {field}: {problem}")


class ModelError(GuideError):
    """A speech model that is missing, incomplete or corrupt, or cannot be installed."""
