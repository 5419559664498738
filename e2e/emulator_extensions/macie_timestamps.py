"""Macie session timestamps as AWS sends them. moto writes them without a UTC offset
(``2026-11-22T03:18:14.264605``), which AWS never does and which the Rust SDK rightly refuses to
parse; here they carry ``Z``."""

from __future__ import annotations

from typing import Any

from moto.macie2.models import MacieBackend


def install() -> None:
    if getattr(MacieBackend, "e2e_utc_timestamps", False):
        return
    original = MacieBackend.get_macie_session

    def in_utc(self: Any) -> dict[str, Any]:
        session = original(self)
        for key in ("createdAt", "updatedAt"):
            value = session.get(key)
            if isinstance(value, str) and not value.endswith("Z") and "+" not in value[10:]:
                session[key] = value + "Z"
        return session

    MacieBackend.get_macie_session = in_utc  # type: ignore[method-assign]
    MacieBackend.e2e_utc_timestamps = True
