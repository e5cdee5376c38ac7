"""Typed errors raised by the ``checks`` modules.

Modelled on :mod:`stdnum.exceptions`, but every error carries context: which field it concerns,
what was expected, what was found and, where known, which document stated it. Callers decide
on severity from the error's *type*, never from its message text.

>>> try:
...     raise ChecksumError('check digit mismatch', field='vin', expected='8', found='X')
... except ValidationError as e:
...     (type(e).__name__, e.field, e.expected, e.found)
('ChecksumError', 'vin', '8', 'X')
>>> isinstance(FormatError('bad'), ValueError)
True
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ChecksumError",
    "FormatError",
    "MismatchError",
    "ValidationError",
]


class ValidationError(ValueError):
    """Base of every validation error of the ``checks`` package.

    A subclass of :class:`ValueError`, so code that expects plain value errors still works.
    """

    code_suffix = "invalid"

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        expected: Any = None,
        found: Any = None,
        document: str | None = None,
    ) -> None:
        super().__init__(message or self.__class__.__doc__.strip().splitlines()[0])
        self.message = message or str(self.args[0])
        self.field = field
        self.expected = expected
        self.found = found
        self.document = document

    @property
    def code(self) -> str:
        """A finding-style code such as ``vin.checksum`` (``field.suffix``)."""
        return f"{self.field}.{self.code_suffix}" if self.field else self.code_suffix

    def context(self) -> dict[str, Any]:
        """The error's context as a plain dict (for findings and logs)."""
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
            "document": self.document,
        }

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        for name in ("field", "expected", "found", "document"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class FormatError(ValidationError):
    """The value does not have the form the standard requires (length, alphabet, layout)."""

    code_suffix = "format"


class ChecksumError(ValidationError):
    """The value's check digit does not match the one computed from the rest."""

    code_suffix = "checksum"


class MismatchError(ValidationError):
    """Two sources state different values for the same field."""

    code_suffix = "mismatch"
