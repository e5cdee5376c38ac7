"""What a run is checked against besides the documents themselves: the escrow stage, the
buyer's destination, the moment of validation and the trusted signature roots.

One immutable object built by the CLI or the service and passed down (to worker processes
too), so no check reads globals or the clock on its own: a run at ``--at 2026-01-15`` judges
certificates and expiry dates as of that moment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from verifier.models import Document, Stage


class CheckContext(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage = "pre-transaction"
    escrow_id: str | None = None
    # The buyer's destination country as given (name or ISO 3166 code); None when unknown.
    destination: str | None = None
    # The moment of validation (timezone-aware, UTC when given without a zone); None means now.
    at: dt.datetime | None = None
    # PEM files of CA certificates trusted for PDF signatures.
    trust_roots: tuple[Path, ...] = Field(default_factory=tuple)
    # At deal-lock: the documents verified before it (from the previous sealed bundle), which
    # the contract must agree with (checks/deal_lock.py).
    verified_before: tuple[Document, ...] = ()

    def moment(self) -> dt.datetime:
        """The moment of validation, timezone-aware."""
        if self.at is None:
            return dt.datetime.now(dt.UTC)
        return self.at if self.at.tzinfo else self.at.replace(tzinfo=dt.UTC)

    def today(self) -> dt.date:
        return self.moment().date()
