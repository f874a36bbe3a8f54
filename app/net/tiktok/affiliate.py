"""TikTok Affiliate seller API: creators' sample applications (202409).

A thin layer over :class:`~app.net.tiktok.client.TikTokShopClient`: the same
signing, tokens, retries and error types. Search pages go in the query and
filters in the body, as with orders. Reviews are sent once, without blind
retries: a second APPROVE of the same application is refused as "not pending".
There is no "ship sample" call: a sample ships on the order that approval
creates, through the fulfilment API like any other order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from app.domain.samples import (
    ApplicationRecord,
    ApplicationRecordError,
    RejectReason,
    ReviewResult,
    parse_application,
)
from app.net.tiktok.client import TikTokShopClient
from app.net.tiktok.retry import honor_retry_after

logger = logging.getLogger(__name__)

Json = dict[str, Any]

VERSION: Final = "202409"
MAX_PAGE_SIZE: Final = 50
#: Stop paging after this many pages: a loop in page tokens must not run forever.
MAX_PAGES: Final = 1000
CONTENT_FORMATS: Final = ("LIVE", "VIDEO")
_BASE: Final = f"/affiliate_seller/{VERSION}/sample_applications"


@dataclass(frozen=True, slots=True)
class ApplicationPage:
    """One page of a sample-application search, read into records."""

    applications: list[ApplicationRecord]
    #: Records that could not be read, each with the reason.
    rejected: list[str]
    next_page_token: str
    total_count: int


@dataclass(frozen=True, slots=True)
class ContentResult:
    """One video or LIVE a creator posted for a sample."""

    content_id: str
    content_format: str
    description: str
    url: str
    view_count: int
    like_count: int
    paid_order_count: int


class AffiliateClient:
    """Sample applications of the shop a :class:`TikTokShopClient` is authorized for."""

    def __init__(self, client: TikTokShopClient) -> None:
        self._client = client

    def search_applications(
        self,
        filters: Mapping[str, str] | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        page_token: str | None = None,
    ) -> ApplicationPage:
        """One page of applications; filters such as ``status`` or ``order_id``."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}, not {page_size}")
        data = self._client.call(
            "POST",
            f"{_BASE}/search",
            params={"page_size": page_size, "page_token": page_token},
            body={k: v for k, v in (filters or {}).items() if v},
        )
        applications: list[ApplicationRecord] = []
        rejected: list[str] = []
        for raw in data.get("sample_applications") or []:
            try:
                applications.append(parse_application(raw))
            except ApplicationRecordError as error:
                logger.warning("Skipped a sample application: %s", error)
                rejected.append(str(error))
        return ApplicationPage(
            applications=applications,
            rejected=rejected,
            next_page_token=str(data.get("next_page_token") or ""),
            total_count=int(data.get("total_count") or 0),
        )

    def iter_application_pages(
        self,
        filters: Mapping[str, str] | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[ApplicationPage]:
        """Every page of a search, until TikTok sends an empty page token."""
        token: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = self.search_applications(
                filters, page_size=page_size, page_token=token
            )
            yield page
            token = page.next_page_token
            if not token:
                return
            if token in seen:
                logger.warning("TikTok repeated a page token; stopping the search")
                return
            seen.add(token)
        logger.warning("Sample search stopped after %d pages", MAX_PAGES)

    def review(
        self,
        application_id: str,
        result: ReviewResult,
        reason: RejectReason | None = None,
    ) -> None:
        """Approve or reject a pending application; a reject needs a reason."""
        body: Json = {"review_result": result.value}
        if result is ReviewResult.REJECT:
            if reason is None:
                raise ValueError("a reject needs a reason")
            body["reject_reason"] = reason.value
        self._client.call(
            "POST",
            f"{_BASE}/{application_id}/review",
            body=body,
            policy=honor_retry_after(),
        )
        logger.info("Sample application %s: %s sent", application_id, result.value)

    def content_results(
        self, application_id: str, content_format: str = "VIDEO"
    ) -> list[ContentResult]:
        """What the creator posted for the sample, in one format (LIVE or VIDEO)."""
        if content_format not in CONTENT_FORMATS:
            raise ValueError(
                f"content_format must be LIVE or VIDEO, not {content_format}"
            )
        data = self._client.call(
            "POST",
            f"{_BASE}/{application_id}/fulfillments/search",
            body={"content_format": content_format},
        )
        return [_content(item) for item in data.get("fulfillments") or []]


def _content(item: Mapping[str, Any]) -> ContentResult:
    content = item.get("content") or {}
    return ContentResult(
        content_id=str(content.get("id") or ""),
        content_format=str(content.get("format") or ""),
        description=str(content.get("description") or ""),
        url=str(content.get("url") or content.get("page_link") or ""),
        view_count=int(content.get("view_count") or 0),
        like_count=int(content.get("like_count") or 0),
        paid_order_count=int(content.get("paid_order_count") or 0),
    )
