"""Request signing against TikTok's published test vectors."""

from __future__ import annotations

from app.net.tiktok.signing import flatten_query, sign, string_to_sign

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
