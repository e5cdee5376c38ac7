"""Bearer tokens and roles (``../shared/CONTRACT.md``, HTTP service).

The tokens file is a JSON list of ``{"token_sha256": "…", "role": "…", "escrows": ["…"]}``:
only the SHA-256 of each token is stored, never the token. A request's token is hashed and
compared with every entry in constant time (``hmac.compare_digest``, no early exit), so the
answer time does not tell how much of a hash matched. The file is read again when it changes
on disk, so a token can be revoked without a restart.

Roles get the least each needs (:data:`PERMISSIONS`): an uploader uploads and reads its jobs
and reports; an inspector and an adjudicator read and verify bundles; only an adjudicator
(or admin) files claims; only an admin reads metrics. A token with ``escrows`` reaches only
those records. 401: no token or an unknown one; 403: a known token outside its role or scope.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from verifier.service.errors import ApiError
from verifier.service.ids import is_valid_id

Role = Literal["uploader", "inspector", "adjudicator", "admin"]
ROLES: tuple[str, ...] = ("uploader", "inspector", "adjudicator", "admin")

# action -> the roles allowed to do it (the contract's table)
PERMISSIONS: dict[str, frozenset[str]] = {
    "documents.upload": frozenset({"uploader", "admin"}),
    "jobs.read": frozenset(ROLES),
    "report.read": frozenset(ROLES),
    "bundles.read": frozenset({"inspector", "adjudicator", "admin"}),
    "bundles.verify": frozenset({"inspector", "adjudicator", "admin"}),
    "claims.file": frozenset({"adjudicator", "admin"}),
    "metrics.read": frozenset({"admin"}),
    "openapi.read": frozenset(ROLES),
}

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class TokensFileError(ValueError):
    """The tokens file is missing or malformed (the service refuses to start)."""


@dataclass(frozen=True)
class TokenEntry:
    token_sha256: str
    role: str
    escrows: frozenset[str] | None = None


@dataclass(frozen=True)
class Principal:
    """Who is calling: the role and, for a scoped token, the escrow records it may reach."""

    role: str
    escrows: frozenset[str] | None
    token_hint: str  # the first 8 hex digits of the token's hash, for logs only

    def require(self, action: str, escrow_id: str | None = None) -> None:
        if self.role not in PERMISSIONS[action]:
            raise ApiError(403, "auth.forbidden", f"role {self.role} may not do {action}")
        if escrow_id is not None and self.escrows is not None and escrow_id not in self.escrows:
            raise ApiError(403, "auth.out_of_scope", "this token does not reach that escrow record")

    def can_reach(self, escrow_id: str) -> bool:
        return self.escrows is None or escrow_id in self.escrows


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_tokens(data: object) -> list[TokenEntry]:
    if not isinstance(data, list):
        raise TokensFileError("the tokens file must be a JSON list")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise TokensFileError(f"entry {i} is not an object")
        unknown = set(item) - {"token_sha256", "role", "escrows"}
        if unknown:
            raise TokensFileError(f"entry {i}: unknown keys {sorted(unknown)}")
        digest = item.get("token_sha256")
        if not isinstance(digest, str) or len(digest) != 64 or not _is_hex(digest):
            raise TokensFileError(f"entry {i}: token_sha256 must be 64 hex digits")
        role = item.get("role")
        if role not in ROLES:
            raise TokensFileError(f"entry {i}: role must be one of {', '.join(ROLES)}")
        escrows = item.get("escrows")
        if escrows is not None:
            if not isinstance(escrows, list) or not all(
                isinstance(e, str) and is_valid_id(e) for e in escrows
            ):
                raise TokensFileError(f"entry {i}: escrows must be a list of escrow ids")
            escrows = frozenset(escrows)
        out.append(TokenEntry(digest.lower(), role, escrows))
    return out


def _is_hex(text: str) -> bool:
    try:
        int(text, 16)
    except ValueError:
        return False
    return True


class TokenBook:
    """The tokens file, re-read when its modification time or size changes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._entries: list[TokenEntry] = []
        self._reload()

    def _reload(self) -> None:
        try:
            st = os.stat(self.path)
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TokensFileError(f"cannot read tokens file {self.path}: {exc}") from exc
        self._entries = parse_tokens(data)
        self._stamp = (st.st_mtime_ns, st.st_size)

    def entries(self) -> list[TokenEntry]:
        try:
            st = os.stat(self.path)
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = self._stamp  # keep the last good book if the file vanishes mid-rotation
        if stamp != self._stamp:
            # a half-written file: keep the last good book
            with self._lock, contextlib.suppress(TokensFileError):
                self._reload()
        return self._entries

    def lookup(self, token: str) -> TokenEntry | None:
        digest = hash_token(token)
        found = None
        for entry in self.entries():
            if hmac.compare_digest(digest, entry.token_sha256):
                found = entry
        return found

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise ApiError(401, "auth.required", "send Authorization: Bearer TOKEN", _CHALLENGE)
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "auth.required", "send Authorization: Bearer TOKEN", _CHALLENGE)
        entry = self.lookup(token)
        if entry is None:
            raise ApiError(401, "auth.unknown_token", "unknown token", _CHALLENGE)
        return Principal(entry.role, entry.escrows, entry.token_sha256[:8])

