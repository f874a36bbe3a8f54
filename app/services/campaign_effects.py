"""A campaign's stock moves in Shopify, each exactly once, from their own outbox.

Three effects, each a ``campaign_effect`` row with a stable idempotency key:

- **reserve** (on open): move the budget from ``available`` to ``reserved`` at
  the campaign's location, reason ``reservation_created``;
- **consume** (per winner shipped within the budget): move one unit back from
  ``reserved`` to ``available``, reason ``reservation_updated``. The ordinary
  ``shopify.fulfil_or_adjust`` effect of the shipment stays exactly as it is
  and takes its unit from ``available`` (by adjustment, by a $0 order, or via
  the channel's own order). Together: ``reserved`` -1, ``on_hand`` -1,
  ``available`` unchanged; whichever runs first, the sum is the same. This way
  none of the three fulfilment paths needs to know about campaigns, and a
  winner shipped beyond the budget simply takes from ``available``;
- **release** (on close): move what is left from ``reserved`` to ``available``,
  reason ``reservation_deleted``.

Why a table of its own and not ``outbox_entry``: an outbox entry belongs to a
shipment (``shipment_id`` is required, and marking it done updates that
shipment's state), while reserve and release belong to no shipment. The rules
are the same: entries of a campaign run in ``id`` order, each attempt is
committed as "in flight" before the call, the attempt sent is stored before it
is sent, and an entry found in flight after a crash resends that attempt,
which Shopify answers from its idempotency record.

Who sends them: :func:`drain_once`, with the station's Shopify client. The
sync engine does not call it yet, so until it does (one call after its own
outbox pass), campaign moves go out only with ``giveaway-desk campaign sync``.

Threading contract: every function blocks; call it from a worker thread.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.domain import campaigns as rules
from app.domain.campaigns import CONSUME, RELEASE, RESERVE, CampaignState
from app.net.shopify import errors as shopify_errors
from app.net.shopify.client import ShopifyClient
from app.net.shopify.reservations import (
    AVAILABLE,
    REASON_RELEASE,
    REASON_RESERVE,
    REASON_USE,
    RESERVED,
    MoveAttempt,
    QuantityMove,
    move_units,
)
from app.storage.db import session_scope
from app.storage.models import (
    Campaign,
    CampaignEffect,
    CampaignProduct,
    CatalogVariant,
    Shipment,
    ShipmentLine,
)

logger = logging.getLogger(__name__)

PENDING: Final = "pending"
IN_FLIGHT: Final = "in_flight"
DONE: Final = "done"
FAILED: Final = "failed"
RESOLVED: Final = (DONE,)

#: (from, to, reason) of each action.
_MOVES: Final = {
    RESERVE: (AVAILABLE, RESERVED, REASON_RESERVE),
    CONSUME: (RESERVED, AVAILABLE, REASON_USE),
    RELEASE: (RESERVED, AVAILABLE, REASON_RELEASE),
}

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class EffectSettings:
    """How patient the campaign effects are."""

    lease_s: float = 600.0
    backoff_base_s: float = 10.0
    backoff_cap_s: float = 900.0


@dataclass(frozen=True, slots=True)
class ClaimedEffect:
    """A campaign effect this worker holds, with everything the call needs."""

    effect_id: int
    campaign_name: str
    campaign_uid: str
    action: str
    quantity: int
    location_id: str
    inventory_item_id: str | None
    sku: str
    idempotency_key: str
    attempt_json: str
    attempts: int
    resumed: bool


@dataclass(slots=True)
class EffectsReport:
    """What one pass over the campaign effects did."""

    queued: int = 0
    done: int = 0
    retry_later: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EffectView:
    """One campaign effect as the UI lists it."""

    effect_id: int
    campaign: str
    action: str
    label: str
    quantity: int
    order_id: str
    status: str
    attempts: int
    last_error: str


class RetryLaterError(Exception):
    """Try the effect again later (network, throttling, catalog not linked yet)."""


class NeedsPersonError(Exception):
    """Shopify refused the move; a supervisor must look (the message says why)."""


# --- queueing -----------------------------------------------------------------


def queue_effect(
    session: Session,
    campaign: Campaign,
    action: str,
    quantity: int,
    *,
    now: datetime,
    shipment: Shipment | None = None,
) -> CampaignEffect:
    """Add one effect to the session, due at ``now``; its key is derived."""
    assert campaign.id is not None
    subject = shipment.order_id if shipment is not None else ""
    effect = CampaignEffect(
        idempotency_key=rules.effect_key(campaign.uid, action, subject),
        campaign_id=campaign.id,
        shipment_id=shipment.id if shipment is not None else None,
        action=action,
        quantity=quantity,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(effect)
    return effect


def queue_consumptions(engine: Engine, now: datetime) -> int:
    """Queue a consume effect for every shipped winner not counted yet.

    Runs before each drain (and on close); the derived keys and the check on
    existing rows make a second call add nothing.
    """
    added = 0
    with session_scope(engine) as session:
        campaigns = session.exec(
            select(Campaign).where(Campaign.state == CampaignState.OPEN.value)
        ).all()
        for campaign in campaigns:
            added += queue_campaign_consumptions(session, campaign, now)
    if added:
        logger.info("Queued %d campaign consumption(s)", added)
    return added


def queue_campaign_consumptions(
    session: Session, campaign: Campaign, now: datetime
) -> int:
    """Queue the missing consume effects of one campaign; returns how many."""
    assert campaign.id is not None
    done = session.exec(
        select(CampaignEffect.shipment_id, CampaignEffect.quantity).where(
            CampaignEffect.campaign_id == campaign.id,
            CampaignEffect.action == CONSUME,
        )
    ).all()
    consumed = frozenset(sid for sid, _ in done if sid is not None)
    units = sum(quantity for _, quantity in done)
    chosen = rules.to_consume(
        campaign.budget_units, campaign_winners(session, campaign.id), consumed, units
    )
    for winner in chosen:
        shipment = session.get(Shipment, winner.shipment_id)
        assert shipment is not None
        queue_effect(
            session, campaign, CONSUME, winner.units, now=now, shipment=shipment
        )
    return len(chosen)


def campaign_winners(session: Session, campaign_id: int) -> list[rules.Winner]:
    """The giveaway shipments of a campaign, with their units in it."""
    # Plain columns, not ORM rows: a big campaign has thousands of winners and
    # this runs for every figure and warning.
    rows = session.execute(
        sa.select(
            col(Shipment.id),
            col(Shipment.order_id),
            col(Shipment.ordered_at),
            col(Shipment.state),
            col(Shipment.ship_by),
            sa.func.count(col(ShipmentLine.id)),
        )
        .join(ShipmentLine, col(ShipmentLine.shipment_id) == col(Shipment.id))
        .join(
            CampaignProduct,
            sa.and_(
                col(CampaignProduct.platform) == col(ShipmentLine.platform),
                col(CampaignProduct.product_id) == col(ShipmentLine.product_id),
            ),
        )
        .where(col(CampaignProduct.campaign_id) == campaign_id)
        .group_by(col(Shipment.id))
    ).all()
    return [
        rules.Winner(
            shipment_id=shipment_id,
            order_id=order_id,
            ordered_at=ordered_at,
            state=state,
            units=int(units),
            ship_by=ship_by,
        )
        for shipment_id, order_id, ordered_at, state, ship_by, units in rows
    ]


def campaign_of_shipment(session: Session, shipment_id: int) -> int | None:
    """The id of the campaign one of the shipment's lines belongs to, if any."""
    return session.exec(
        select(CampaignProduct.campaign_id)
        .join(
            ShipmentLine,
            sa.and_(
                col(CampaignProduct.platform) == col(ShipmentLine.platform),
                col(CampaignProduct.product_id) == col(ShipmentLine.product_id),
            ),
        )
        .where(col(ShipmentLine.shipment_id) == shipment_id)
        .limit(1)
    ).first()


# --- draining -----------------------------------------------------------------


def drain_once(
    engine: Engine,
    client: ShopifyClient,
    *,
    clock: Clock | None = None,
    settings: EffectSettings | None = None,
    rng: random.Random | None = None,
) -> EffectsReport:
    """Queue new consumptions, then work every due campaign effect once."""
    clock = clock or _utc_now
    settings = settings or EffectSettings()
    now = clock()
    report = EffectsReport(queued=queue_consumptions(engine, now))
    stale = now - timedelta(seconds=settings.lease_s)
    tried: set[int] = set()
    while True:
        # Asked again after each pass: a done effect unblocks the next one of
        # its campaign, which should not wait for the next drain.
        due = [i for i in due_effects(engine, now, stale) if i not in tried]
        if not due:
            break
        for effect_id in due:
            tried.add(effect_id)
            claimed = claim(engine, effect_id, clock(), stale)
            if claimed is not None:
                _run(engine, client, claimed, clock, settings, rng, report)
    if report.done or report.retry_later or report.failed:
        logger.info(
            "Campaign effects: %d done, %d to retry, %d failed",
            report.done,
            report.retry_later,
            report.failed,
        )
    return report


def due_effects(engine: Engine, now: datetime, stale_before: datetime) -> list[int]:
    """Ids of effects that may run now: due, and no earlier one of theirs open."""
    earlier = sa.alias(CampaignEffect.__table__, "earlier")  # type: ignore[attr-defined]
    blocked = sa.exists().where(
        earlier.c.campaign_id == CampaignEffect.campaign_id,
        earlier.c.id < CampaignEffect.id,
        earlier.c.status.not_in(RESOLVED),
    )
    ready = sa.or_(
        sa.and_(
            col(CampaignEffect.status) == PENDING,
            col(CampaignEffect.next_attempt_at) <= now,
        ),
        sa.and_(
            col(CampaignEffect.status) == IN_FLIGHT,
            col(CampaignEffect.claimed_at) < stale_before,
        ),
    )
    query = (
        select(CampaignEffect.id)
        .where(ready, ~blocked)
        .order_by(col(CampaignEffect.id))
    )
    with Session(engine) as session:
        return [effect_id for effect_id in session.exec(query) if effect_id is not None]


def claim(
    engine: Engine, effect_id: int, now: datetime, stale_before: datetime
) -> ClaimedEffect | None:
    """Mark the effect in flight (compare-and-set), committed before any call."""
    with session_scope(engine) as session:
        effect = session.get(CampaignEffect, effect_id)
        if effect is None:
            return None
        resumed = effect.status == IN_FLIGHT
        if (
            resumed
            and effect.claimed_at is not None
            and effect.claimed_at >= stale_before
        ):
            return None
        if not resumed and effect.status != PENDING:
            return None
        result = session.execute(
            sa.update(CampaignEffect)
            .where(
                col(CampaignEffect.id) == effect_id,
                col(CampaignEffect.status) == effect.status,
                col(CampaignEffect.attempts) == effect.attempts,
            )
            .values(
                status=IN_FLIGHT,
                attempts=effect.attempts + 1,
                claimed_at=now,
                updated_at=now,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return _claimed(session, effect, resumed)


def _claimed(session: Session, effect: CampaignEffect, resumed: bool) -> ClaimedEffect:
    campaign = session.get(Campaign, effect.campaign_id)
    assert campaign is not None and effect.id is not None
    variant = session.exec(
        select(CatalogVariant).where(
            CatalogVariant.sku_folded == campaign.sku.casefold()
        )
    ).first()
    return ClaimedEffect(
        effect_id=effect.id,
        campaign_name=campaign.name,
        campaign_uid=campaign.uid,
        action=effect.action,
        quantity=effect.quantity,
        location_id=campaign.location_id,
        inventory_item_id=variant.inventory_item_id if variant else None,
        sku=campaign.sku,
        idempotency_key=effect.idempotency_key,
        attempt_json=effect.attempt_json,
        attempts=effect.attempts + 1,
        resumed=resumed,
    )


def _run(
    engine: Engine,
    client: ShopifyClient,
    claimed: ClaimedEffect,
    clock: Clock,
    settings: EffectSettings,
    rng: random.Random | None,
    report: EffectsReport,
) -> None:
    try:
        perform_effect(engine, client, claimed)
    except RetryLaterError as retry:
        delay = _backoff(settings, claimed.attempts, rng)
        mark_retry(engine, claimed.effect_id, clock(), delay, str(retry))
        report.retry_later += 1
        return
    except NeedsPersonError as refusal:
        mark_failed(engine, claimed.effect_id, clock(), str(refusal))
        report.failed += 1
        report.errors.append(f"Campaign {claimed.campaign_name}: {refusal}")
        return
    mark_done(engine, claimed.effect_id, clock())
    report.done += 1


# --- one effect ---------------------------------------------------------------


def perform_effect(
    engine: Engine, client: ShopifyClient, claimed: ClaimedEffect
) -> None:
    """Do one claimed effect in Shopify; raises RetryLater or NeedsPerson.

    The shape mirrors the sync engine's own handlers (a claimed entry in, the
    remote effect done or an outcome raised), so the engine can call it.
    """
    move = _move_of(claimed)

    def record(attempt: MoveAttempt) -> None:
        store_attempt(engine, claimed.effect_id, attempt)

    try:
        move_units(
            client,
            move,
            resume=_attempt_from(claimed.attempt_json),
            record_attempt=record,
        )
    except shopify_errors.ShopifyError as error:
        raise _outcome(error) from error
    logger.info(
        "Campaign %s: %s (%d unit(s)) done in Shopify",
        claimed.campaign_name,
        claimed.action,
        claimed.quantity,
    )


def _move_of(claimed: ClaimedEffect) -> QuantityMove:
    if not claimed.inventory_item_id:
        raise RetryLaterError(
            f"SKU {claimed.sku} is not linked to a Shopify inventory item yet; it "
            "is once the catalog is read from Shopify."
        )
    if not claimed.location_id:
        raise NeedsPersonError("The campaign has no Shopify location.")
    source, target, reason = _MOVES[claimed.action]
    return QuantityMove(
        inventory_item_id=claimed.inventory_item_id,
        location_id=claimed.location_id,
        quantity=claimed.quantity,
        from_name=source,
        to_name=target,
        reason=reason,
        reference_document_uri=rules.campaign_reference(claimed.campaign_uid),
        idempotency_key=claimed.idempotency_key,
    )


_SETUP_ERRORS = (
    shopify_errors.ShopifyCredentialsMissingError,
    shopify_errors.ShopifyAuthError,
    shopify_errors.ShopifyForbiddenError,
    shopify_errors.ShopifyPaymentRequiredError,
    shopify_errors.ShopifyLockedError,
    shopify_errors.ShopifyNotFoundError,
)


def _outcome(error: shopify_errors.ShopifyError) -> Exception:
    if isinstance(error, shopify_errors.ShopifyUnavailableError):
        return RetryLaterError(f"Shopify cannot be reached right now: {error}")
    if isinstance(error, shopify_errors.ShopifyThrottledError):
        return RetryLaterError("Shopify asked us to slow down")
    if isinstance(error, _SETUP_ERRORS):
        return RetryLaterError(f"Shopify connection needs attention: {error}")
    return NeedsPersonError(f"Shopify refused the stock move: {error}")


# --- outcomes -----------------------------------------------------------------


def store_attempt(engine: Engine, effect_id: int, attempt: MoveAttempt) -> None:
    """Keep the attempt with the effect before it is sent."""
    with session_scope(engine) as session:
        effect = _effect(session, effect_id)
        effect.attempt_json = json.dumps(
            {
                "idempotency_key": attempt.idempotency_key,
                "from_quantity": attempt.from_quantity,
                "to_quantity": attempt.to_quantity,
                "number": attempt.number,
            }
        )
        session.add(effect)


def mark_done(engine: Engine, effect_id: int, now: datetime) -> None:
    """Record a confirmed effect."""
    _finish(engine, effect_id, now, DONE, "")


def mark_failed(engine: Engine, effect_id: int, now: datetime, reason: str) -> None:
    """Stop the effect for a supervisor; later effects of its campaign wait."""
    _finish(engine, effect_id, now, FAILED, reason)
    logger.warning("Campaign effect %d failed: %s", effect_id, reason)


def mark_retry(
    engine: Engine, effect_id: int, now: datetime, delay_s: float, reason: str
) -> None:
    """Back to pending, due after ``delay_s`` seconds."""
    with session_scope(engine) as session:
        effect = _effect(session, effect_id)
        effect.status = PENDING
        effect.next_attempt_at = now + timedelta(seconds=delay_s)
        effect.last_error = reason
        effect.claimed_at = None
        effect.updated_at = now
        session.add(effect)
    logger.warning(
        "Campaign effect %d: %s; trying again in %.0f s", effect_id, reason, delay_s
    )


def retry_failed(engine: Engine, effect_id: int, now: datetime) -> None:
    """A supervisor sends a failed effect again (same key, same attempt)."""
    with session_scope(engine) as session:
        effect = _effect(session, effect_id)
        if effect.status != FAILED:
            raise rules.CampaignError("Only a failed campaign effect can be retried.")
        effect.status = PENDING
        effect.next_attempt_at = now
        effect.updated_at = now
        session.add(effect)


def _finish(
    engine: Engine, effect_id: int, now: datetime, status: str, reason: str
) -> None:
    with session_scope(engine) as session:
        effect = _effect(session, effect_id)
        effect.status = status
        effect.last_error = reason
        effect.claimed_at = None
        effect.updated_at = now
        session.add(effect)


def effect_views(engine: Engine, campaign_id: int | None = None) -> list[EffectView]:
    """Campaign effects as plain values, oldest first."""
    query = (
        select(CampaignEffect, Campaign.name, Shipment.order_id)
        .join(Campaign, col(Campaign.id) == col(CampaignEffect.campaign_id))
        .outerjoin(Shipment, col(Shipment.id) == col(CampaignEffect.shipment_id))
        .order_by(col(CampaignEffect.id))
    )
    if campaign_id is not None:
        query = query.where(CampaignEffect.campaign_id == campaign_id)
    with Session(engine) as session:
        return [
            EffectView(
                effect_id=effect.id or 0,
                campaign=name,
                action=effect.action,
                label=rules.EFFECT_LABELS.get(effect.action, effect.action),
                quantity=effect.quantity,
                order_id=order_id or "",
                status=effect.status,
                attempts=effect.attempts,
                last_error=effect.last_error,
            )
            for effect, name, order_id in session.exec(query)
        ]


# --- helpers ------------------------------------------------------------------


def _effect(session: Session, effect_id: int) -> CampaignEffect:
    effect = session.get(CampaignEffect, effect_id)
    if effect is None:
        raise rules.CampaignError(f"There is no campaign effect {effect_id}.")
    return effect


def _attempt_from(text: str) -> MoveAttempt | None:
    if not text:
        return None
    data = json.loads(text)
    return MoveAttempt(
        idempotency_key=str(data["idempotency_key"]),
        from_quantity=int(data["from_quantity"]),
        to_quantity=int(data["to_quantity"]),
        number=int(data.get("number", 1)),
    )


def _backoff(
    settings: EffectSettings, attempts: int, rng: random.Random | None
) -> float:
    ceiling = min(
        settings.backoff_cap_s,
        settings.backoff_base_s * 2 ** min(max(attempts - 1, 0), 20),
    )
    # Jitter keeps the stations of one warehouse from retrying in step.
    return float(ceiling * (rng or random.Random()).uniform(0.5, 1.0))


def _utc_now() -> datetime:
    return datetime.now(UTC)
