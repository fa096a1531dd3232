"""Errors that are the user's to fix, with the Chinese message they will read.

A ``UserError`` never becomes a traceback: the CLI prints its message on stderr and
exits with its code; the add-in shows it in a message box.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input or an impossible request; ``message`` is Chinese and says what to do."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __reduce__(self) -> tuple[type[UserError], tuple[str, int]]:
        # raised in a worker process and re-raised here: keep the exit code, not only the message
        return (type(self), (self.message, self.exit_code))
