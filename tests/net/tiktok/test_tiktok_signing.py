"""Request signing against TikTok's published test vectors."""

from __future__ import annotations

import httpx

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.tiktok import credentials as names
from app.net.tiktok.signing import TikTokSigner, flatten_query, sign, string_to_sign

SECRET = "e59af819cc"


def test_vector_a_get_without_body_matches_the_official_example() -> None:
    query = {"app_key": "29a39d", "timestamp": "1623812664"}

    assert (
        string_to_sign("/authorization/202309/shops", query)
        == b"/authorization/202309/shopsapp_key29a39dtimestamp1623812664"
    )
    assert sign(SECRET, "/authorization/202309/shops", query) == (
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )


def test_vector_c_put_with_body_signs_the_exact_body_bytes() -> None:
    query = {
        "app_key": "68xu9ks5p4i8",
        "shop_cipher": "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK",
        "timestamp": "1696909648",
    }
    body = b'{"event_type":"PACKAGE_UPDATE","address":"https://partner.tiktokshop.com"}'

    assert sign(SECRET, "/event/202309/webhooks", query, body) == (
        "701dd6deb2389fe4c469b89bd37fc56f96a6da6afeb4d01c9077a65169752fa7"
    )


def test_sign_and_access_token_are_left_out_and_order_does_not_matter() -> None:
    plain = {"app_key": "29a39d", "timestamp": "1623812664"}
    noisy = {
        "timestamp": "1623812664",
        "sign": "whatever",
        "access_token": "tok",
        "app_key": "29a39d",
    }

    assert sign(SECRET, "/p", noisy) == sign(SECRET, "/p", plain)


def test_lists_are_comma_joined_and_page_tokens_signed_decoded() -> None:
    flat = flatten_query(
        {"ids": ["1", "2"], "page_token": "ab+c/d==", "page_size": 50, "x": None}
    )

    assert flat == {"ids": "1,2", "page_token": "ab+c/d==", "page_size": "50"}
    assert string_to_sign("/p", flat) == b"/pids1,2page_size50page_tokenab+c/d=="


def _send_signed(
    app_key: str, timestamp: int, method: str, path: str, **request: object
) -> httpx.Request:
    """Send one request through the signer to a strict handler; return what left."""
    sent: list[httpx.Request] = []

    def handler(outgoing: httpx.Request) -> httpx.Response:
        assert outgoing.url.path == path, f"unexpected path {outgoing.url.path}"
        sent.append(outgoing)
        return httpx.Response(200, json={"code": 0, "data": {}})

    store = MemoryCredentialStore(
        {names.APP_KEY: Secret(app_key), names.APP_SECRET: Secret(SECRET)}
    )
    signer = TikTokSigner(store, Secret("tok-123"), clock=lambda: timestamp)
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        client.request(method, "https://api.invalid" + path, auth=signer, **request)
    return sent[0]


def test_the_signer_puts_vector_a_on_the_wire() -> None:
    sent = _send_signed("29a39d", 1623812664, "GET", "/authorization/202309/shops")

    assert sent.url.params["sign"] == (
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )
    assert sent.headers["x-tts-access-token"] == "tok-123"
    assert "access_token" not in sent.url.params


def test_the_signer_puts_vector_c_on_the_wire() -> None:
    body = b'{"event_type":"PACKAGE_UPDATE","address":"https://partner.tiktokshop.com"}'

    sent = _send_signed(
        "68xu9ks5p4i8",
        1696909648,
        "PUT",
        "/event/202309/webhooks",
        params={"shop_cipher": "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK"},
        content=body,
    )

    assert sent.content == body
    assert sent.url.params["sign"] == (
        "701dd6deb2389fe4c469b89bd37fc56f96a6da6afeb4d01c9077a65169752fa7"
    )


def test_page_tokens_are_signed_decoded_and_sent_encoded() -> None:
    token = "+/+/eyJrIjo=="

    sent = _send_signed(
        "k",
        1700000000,
        "POST",
        "/order/202309/orders/search",
        params={"page_token": token, "page_size": "100"},
        content=b"{}",
    )

    assert b"page_token=%2B%2F%2B%2FeyJrIjo%3D%3D" in sent.url.query
    expected = sign(
        SECRET,
        "/order/202309/orders/search",
        {
            "app_key": "k",
            "timestamp": "1700000000",
            "page_token": token,
            "page_size": "100",
        },
        b"{}",
    )
    assert sent.url.params["sign"] == expected
