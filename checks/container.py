"""Container numbers (ISO 6346 freight container identification), via :mod:`stdnum.iso6346`.

A container number is a 3-letter owner code, an equipment category identifier (``U`` freight
container, ``J`` detachable equipment, ``Z`` trailer or chassis), a 6-digit serial number and
a check digit (weighted sum modulo 11, 10 written as 0). Documents print it in many ways:
``CSQU3054383``, ``CSQU 305438 3``, ``CSQU-305438-3``, ``CSQU305438/3``.

This module wraps python-stdnum so that separators are stripped, errors are our typed ones,
and :func:`is_valid` never raises.

More information:

* ISO 6346:2022 Freight containers - Coding, identification and marking
* https://www.bic-code.org/check-digit-calculator/

>>> validate('CSQU-305438-3')
'CSQU3054383'
>>> validate('FFAU1234567')
Traceback (most recent call last):
    ...
checks.errors.ChecksumError: container check digit is 7, computed 2
>>> is_valid('FFAU1234567'), is_valid(b'\\xff'), is_valid('csqu 305438 3')
(False, False, True)
>>> find_containers("Containers: FFAU1234567/40'HQ, CSQU 305438 3")
[('FFAU1234567', False), ('CSQU 305438 3', True)]
>>> format('csqu3054383')
'CSQU 305438 3'
"""

from __future__ import annotations

import re

from stdnum import iso6346

from checks.errors import ChecksumError, FormatError

__all__ = ["calc_check_digit", "compact", "find_containers", "format", "is_valid", "validate"]

_FORMAT_RE = re.compile(r"[A-Z]{3}[UJZ][0-9]{7}")
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—./]+")
# In free text: owner code + category letter, 6 digits, check digit, with optional single
# separators (space, hyphen, slash) before the serial and before the check digit.
_FIND_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{3}[UJZujz])[ \-]?([0-9]{6})(?:[ \-/]?([0-9]))(?![0-9])"
)


def compact(number: str) -> str:
    """Strip spaces, hyphens, dots and slashes and upper-case.

    >>> compact('csqu-305438/3')
    'CSQU3054383'
    """
    return _SEPARATORS_RE.sub("", str(number)).upper()


def calc_check_digit(number: str) -> str:
    """The check digit for the first 10 characters (owner code, category, serial).

    >>> calc_check_digit('FFAU123456')
    '2'
    """
    number = compact(number)[:10]
    if not _FORMAT_RE.fullmatch(number + "0"):
        raise FormatError(
            "container number must start with 3 letters, U/J/Z and 6 digits",
            field="container_number", found=number,
        )  # fmt: skip
    return iso6346.calc_check_digit(number)


def validate(number: str) -> str:
    """Check the form and check digit; return the compact number or raise
    :class:`~checks.errors.FormatError` / :class:`~checks.errors.ChecksumError`."""
    if not isinstance(number, str):
        raise FormatError("container number is not text", field="container_number")
    compacted = compact(number)
    if len(compacted) != 11 or not _FORMAT_RE.fullmatch(compacted):
        raise FormatError(
            "container number must be 3 letters, U/J/Z, 6 digits and a check digit",
            field="container_number", expected="AAAU1234567", found=compacted,
        )  # fmt: skip
    expected = calc_check_digit(compacted[:10])
    if expected != compacted[10]:
        raise ChecksumError(
            f"container check digit is {compacted[10]}, computed {expected}",
            field="container_number", expected=expected, found=compacted[10],
        )  # fmt: skip
    return compacted


def is_valid(number: str) -> bool:
    """Like :func:`validate`, but returns ``False`` instead of raising; never raises."""
    try:
        return bool(validate(number))
    except Exception:  # noqa: BLE001 - junk of any kind is simply not a valid number
        return False


def format(number: str) -> str:  # noqa: A001 - the stdnum name
    """The presentation used on container doors: ``CSQU 305438 3``."""
    return iso6346.format(compact(number))


def find_containers(text: str) -> list[tuple[str, bool]]:
    """Container numbers in free text, each as stated, with whether it is valid.

    >>> find_containers('CONTAINER NO. TGHU 885421-0 SEAL 12345')
    [('TGHU 885421-0', False)]
    """
    if not isinstance(text, str):
        return []
    found: list[tuple[str, bool]] = []
    for match in _FIND_RE.finditer(text):
        stated = match.group(0)
        found.append((stated, is_valid(stated)))
    return found
