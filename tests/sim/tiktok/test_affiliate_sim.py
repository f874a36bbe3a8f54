"""The simulated affiliate API: envelope, enums, paging, approval makes an order."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.sim.tiktok import SimTransport, TikTokShopSim
from app.sim.tiktok.affiliate import (
    CODE_BAD_REJECT_REASON,
    CODE_NOT_PENDING,
    AffiliateSim,
    application_record,
    install_affiliate,
)
from app.sim.tiktok.simulator import SimRequest, expected_sign
from tests.utils.tiktok_sim import make_sim

BASE = "/affiliate_seller/202409/sample_applications"
ADDRESS = {
    "name": "Riley Creator",
    "full_address": "900 Demo Avenue Unit 12, Austin, Texas, 78701, United States",
    "postal_code": "78701",
    "region_code": "US",
}


def signed_call(
    sim: TikTokShopSim, path: str, body: dict[str, Any], **query: str
) -> Any:
    """One raw signed request, the way any client must send it."""
    token = sim.issue_tokens()["access_token"]
    params = {
        "app_key": sim.app_key,
        "timestamp": str(int(sim.clock())),
        "shop_cipher": sim.shop.cipher,
        **query,
    }
    content = json.dumps(body).encode()
    params["sign"] = expected_sign(
        sim.app_secret, SimRequest("POST", path, params, {}, content)
    )
    with httpx.Client(transport=SimTransport(sim), base_url="https://sim.invalid") as c:
        response = c.post(
            path, params=params, content=content, headers={"x-tts-access-token": token}
        )
    return response.json()


@pytest.fixture
def shop() -> tuple[TikTokShopSim, AffiliateSim]:
    sim = make_sim()
    affiliate = install_affiliate(sim)
    for number in range(1, 6):
        affiliate.add_application(
            application_record(
                f"745000000000000{number:04d}",
                product_id="1729500000000000201",
                title="Lavender Soy Candle 8oz",
                sku_id="1729500000000000301",
                creator_user_id=f"69900000000000{number:05d}",
                username=f"creator.{number}",
                approve_by=int(sim.clock()) + 7 * 86400,
                ship_by=int(sim.clock()) + 10 * 86400,
            ),
            address=ADDRESS,
            seller_sku="CNDL-LAV-08",
        )
    return sim, affiliate


def test_search_pages_with_the_documented_envelope(
    shop: tuple[TikTokShopSim, AffiliateSim],
) -> None:
    sim, _affiliate = shop
    first = signed_call(sim, f"{BASE}/search", {"status": "PENDING"}, page_size="2")
    assert first["code"] == 0 and first["message"] == "Success"
    assert first["request_id"]
    data = first["data"]
    assert data["total_count"] == 5 and len(data["sample_applications"]) == 2
    assert data["next_page_token"].startswith("+/"), "must be percent-encoded"
    record = data["sample_applications"][0]
    assert set(record) >= {"id", "status", "order_id", "product", "creator"}
    assert not any(key.startswith("_") for key in record), "no sim-only fields"

    rest = signed_call(
        sim,
        f"{BASE}/search",
        {"status": "PENDING"},
        page_size="50",
        page_token=data["next_page_token"],
    )
    assert len(rest["data"]["sample_applications"]) == 3
    assert rest["data"]["next_page_token"] == ""


def test_page_size_above_fifty_is_refused(
    shop: tuple[TikTokShopSim, AffiliateSim],
) -> None:
    sim, _affiliate = shop
    answer = signed_call(sim, f"{BASE}/search", {}, page_size="51")
    assert answer["code"] == 36009004 and "data" not in answer


def test_approve_creates_a_free_sample_order_with_the_creators_address(
    shop: tuple[TikTokShopSim, AffiliateSim],
) -> None:
    sim, affiliate = shop
    answer = signed_call(
        sim, f"{BASE}/7450000000000000001/review", {"review_result": "APPROVE"}
    )
    assert answer["code"] == 0

    application = affiliate.applications["7450000000000000001"]
    assert application["status"] == "AWAITING_SHIPMENT"
    order = sim.orders[application["order_id"]]
    assert order["is_sample_order"] is True
    assert order["payment"]["total_amount"] == "0.00"
    assert order["recipient_address"]["postal_code"] == "78701"
    assert order["line_items"][0]["seller_sku"] == "CNDL-LAV-08"
    assert order["rts_sla_time"] == application["shipment_expiration_time"]

    again = signed_call(
        sim, f"{BASE}/7450000000000000001/review", {"review_result": "APPROVE"}
    )
    assert again["code"] == CODE_NOT_PENDING, "a second review is refused"
    assert len(sim.orders) == 1


def test_reject_needs_a_documented_reason(
    shop: tuple[TikTokShopSim, AffiliateSim],
) -> None:
    sim, affiliate = shop
    path = f"{BASE}/7450000000000000002/review"
    missing = signed_call(sim, path, {"review_result": "REJECT"})
    assert missing["code"] == CODE_BAD_REJECT_REASON
    done = signed_call(
        sim, path, {"review_result": "REJECT", "reject_reason": "OUT_OF_STOCK"}
    )
    assert done["code"] == 0
    assert affiliate.applications["7450000000000000002"]["status"] == (
        "REJECT_CANCELLED"
    )
    assert not sim.orders


def test_content_results_need_a_format(
    shop: tuple[TikTokShopSim, AffiliateSim],
) -> None:
    sim, affiliate = shop
    affiliate.add_content(
        "7450000000000000003",
        {"content": {"id": "v1", "format": "VIDEO", "view_count": 12}},
    )
    path = f"{BASE}/7450000000000000003/fulfillments/search"
    assert signed_call(sim, path, {})["code"] == 36009004
    videos = signed_call(sim, path, {"content_format": "VIDEO"})["data"]
    lives = signed_call(sim, path, {"content_format": "LIVE"})["data"]
    assert [f["content"]["id"] for f in videos["fulfillments"]] == ["v1"]
    assert lives["fulfillments"] == []
