"""The affiliate connector against the simulated shop: paging, reviews, content."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.samples import RejectReason, ReviewResult, parse_application
from app.net.tiktok.affiliate import AffiliateClient
from app.net.tiktok.errors import TikTokError
from app.sim.tiktok import TikTokShopSim
from app.sim.tiktok.affiliate import AffiliateSim, application_record, install_affiliate
from tests.utils.tiktok_sim import authorized_store, connect, make_sim

ADDRESS = {
    "name": "Riley Creator",
    "full_address": "900 Demo Ave",
    "postal_code": "78701",
}


@pytest.fixture
def shop() -> tuple[TikTokShopSim, AffiliateSim]:
    sim = make_sim()
    affiliate = install_affiliate(sim)
    for number in range(1, 8):
        affiliate.add_application(
            application_record(
                f"74500000000000{number:05d}",
                status="PENDING" if number % 2 else "COMPLETED",
                product_id="1729500000000000201",
                title="Lavender Soy Candle 8oz",
                sku_id="1729500000000000301",
                creator_user_id=f"69900000000000{number:05d}",
                username=f"creator.{number}",
                approve_by=int(sim.clock()) + 86400,
            ),
            address=ADDRESS,
        )
    return sim, affiliate


@pytest.fixture
def client(shop: tuple[TikTokShopSim, AffiliateSim]) -> AffiliateClient:
    sim, _ = shop
    return AffiliateClient(connect(sim, authorized_store(sim)))


def test_the_documented_record_reads_into_a_sample_application(
    shared_dir: Path,
) -> None:
    fixtures = json.loads(
        (shared_dir / "fixtures" / "tiktok-shop-examples.json").read_text()
    )
    raw = fixtures["sample_application_search_response"]["data"]["sample_applications"][
        0
    ]
    record = parse_application(raw)
    assert record.application_id == "7450000000000000555"
    assert record.order_id == "579100000000000303"
    assert record.creator_handle == "riley.makes.things"
    assert record.creator_nickname == "Riley Creator"
    assert record.sku_id == "1729500000000000301"
    assert record.approve_by == datetime.fromtimestamp(1767900000, UTC)
    assert record.ship_by == datetime.fromtimestamp(1768200000, UTC)


def test_every_page_is_read_once(client: AffiliateClient) -> None:
    pages = list(client.iter_application_pages(page_size=3))
    ids = [a.application_id for page in pages for a in page.applications]
    assert len(pages) == 3
    assert len(ids) == 7 == len(set(ids))
    pending = [
        a
        for page in client.iter_application_pages({"status": "PENDING"})
        for a in page.applications
    ]
    assert {a.status for a in pending} == {"PENDING"} and len(pending) == 4


def test_approve_links_the_new_order(
    client: AffiliateClient, shop: tuple[TikTokShopSim, AffiliateSim]
) -> None:
    sim, _ = shop
    client.review("7450000000000000001", ReviewResult.APPROVE)
    [record] = client.search_applications(
        {"creator_user_id": "6990000000000000001"}
    ).applications
    assert record.status == "AWAITING_SHIPMENT"
    assert record.order_id in sim.orders


def test_reject_sends_the_reason_and_needs_one(
    client: AffiliateClient, shop: tuple[TikTokShopSim, AffiliateSim]
) -> None:
    _sim, affiliate = shop
    with pytest.raises(ValueError, match="reason"):
        client.review("7450000000000000003", ReviewResult.REJECT)
    assert affiliate.reviews["7450000000000000003"] == 0, "nothing was sent"
    client.review("7450000000000000003", ReviewResult.REJECT, RejectReason.OFFLINE)
    assert affiliate.applications["7450000000000000003"]["status"] == (
        "REJECT_CANCELLED"
    )


def test_a_refused_review_is_raised_and_not_resent(
    client: AffiliateClient, shop: tuple[TikTokShopSim, AffiliateSim]
) -> None:
    _sim, affiliate = shop
    with pytest.raises(TikTokError, match="not PENDING"):
        client.review("7450000000000000002", ReviewResult.APPROVE)
    assert affiliate.reviews["7450000000000000002"] == 1


def test_content_results(
    client: AffiliateClient, shop: tuple[TikTokShopSim, AffiliateSim]
) -> None:
    _sim, affiliate = shop
    affiliate.add_content(
        "7450000000000000002",
        {
            "content": {
                "id": "v9",
                "format": "VIDEO",
                "url": "https://example.invalid/v9",
                "view_count": 1200,
                "paid_order_count": 3,
            }
        },
    )
    [video] = client.content_results("7450000000000000002", "VIDEO")
    assert (video.content_id, video.view_count, video.paid_order_count) == (
        "v9",
        1200,
        3,
    )
    assert client.content_results("7450000000000000002", "LIVE") == []
    with pytest.raises(ValueError):
        client.content_results("7450000000000000002", "PHOTO")
