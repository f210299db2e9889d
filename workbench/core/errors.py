"""The one error type for a user's mistake.

Every layer raises `UserError` for bad input; the CLI prints `str(error)` as one line and exits 1,
the TUI shows it as a notification. One type keeps that contract in one place instead of a dozen
exception classes that each interface would have to know.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user gave us: a file, a row, a value. Never a bug of ours."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 where: str = "line") -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.where = where

    def __str__(self) -> str:
        place = ""
        if self.file:
            place = f"{self.file}"
            if self.line is not None:
                place += f", {self.where} {self.line}"
            place += ": "
        elif self.line is not None:
            place = f"{self.where} {self.line}: "
        return f"{place}{self.message}"

    def located(self, file: str, line: int | None = None, where: str | None = None) -> UserError:
        """The same error, now naming the file (and row) it came from."""
        return UserError(self.message, file, line if line is not None else self.line, where or self.where)
