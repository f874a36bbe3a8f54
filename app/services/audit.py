"""Writing the audit log: who did what, at which station, old value and new."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.storage.models import AuditEntry


@dataclass(frozen=True, slots=True)
class Actor:
    """The person and the bench behind an action."""

    user: str
    station: str


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: str | int,
    old: str | None = None,
    new: str | None = None,
    detail: str = "",
) -> None:
    """Add one audit entry to the session's transaction."""
    session.add(
        AuditEntry(
            user=actor.user,
            station=actor.station,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            old_value=old,
            new_value=new,
            detail=detail,
        )
    )
