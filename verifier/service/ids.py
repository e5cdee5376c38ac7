"""Identifiers that reach the store: escrow ids, bundle ids, job ids.

The contract's form is ``[A-Za-z0-9._-]{1,64}``; ``.`` and ``..`` match it but name
directories, so they are refused too. Every id from a URL passes here before it is used.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path

from verifier.service.errors import ApiError

ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
_ID = re.compile(ID_PATTERN)


def is_valid_id(value: str) -> bool:
    return bool(_ID.fullmatch(value)) and value.strip(".") != ""


def check_id(value: str, what: str) -> str:
    if not is_valid_id(value):
        raise ApiError(
            422, "id.invalid", f"{what} must match [A-Za-z0-9._-]{{1,64}}, not dots only"
        )
    return value


EscrowId = Annotated[str, Path(pattern=ID_PATTERN, description="escrow record id")]
BundleId = Annotated[str, Path(pattern=ID_PATTERN, description="sealed bundle id")]
JobId = Annotated[str, Path(pattern=ID_PATTERN, description="job id")]
