"""``giveaway-desk campaign``: run LIVE giveaways as budgets of a real SKU.

``create`` a campaign, ``link`` the giveaway product ids TikTok made for it,
``open`` it (its budget is set aside in Shopify), ``close`` it when the LIVE is
over (what is left goes back), ``list`` them and their ``warnings``, and
``sync`` to send the queued Shopify stock moves now. Shopify settings and
credentials are read as by ``giveaway-desk shopify``.
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from app.cli.common import fail, open_bench, print_json
from app.domain.campaigns import CampaignError
from app.domain.credentials import CredentialStore, MemoryCredentialStore
from app.net.shopify import ShopifyClient, ShopifyConfig, open_client
from app.net.shopify import auth as shopify_auth
from app.net.shopify.errors import ShopifyError
from app.services import campaign_effects
from app.services.campaigns import CampaignService, CampaignView
from app.services.credentials import CredentialsService
from app.storage.settings import load_settings

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add ``campaign`` and its actions."""
    parser = subparsers.add_parser(
        "campaign", help="giveaway campaigns: a budget of units from one real SKU"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="every campaign with its figures")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    create = actions.add_parser("create", help="a new campaign (a draft)")
    create.add_argument("name")
    create.add_argument("--sku", required=True, help="the real catalog SKU given away")
    create.add_argument("--budget", type=int, required=True, help="units to give")
    create.add_argument("--location", default="", metavar="ID", help="Shopify location")
    create.add_argument(
        "--product",
        action="append",
        default=[],
        metavar="ID",
        help="a TikTok giveaway product id (repeat for several)",
    )
    create.set_defaults(handler=_create)

    link = actions.add_parser("link", help="add a TikTok giveaway product id")
    link.add_argument("name")
    link.add_argument("product_id")
    link.set_defaults(handler=_link)

    for verb, text in (
        ("open", "set the budget aside in Shopify"),
        ("close", "give back what is left"),
        ("end-live", "note that the LIVE has ended now"),
    ):
        action = actions.add_parser(verb, help=text)
        action.add_argument("name")
        if verb == "open":
            action.add_argument("--location", metavar="ID", help="Shopify location")
        action.set_defaults(handler=_change, verb=verb)

    warnings = actions.add_parser("warnings", help="what a supervisor must look at")
    warnings.set_defaults(handler=_warnings)

    sync = actions.add_parser("sync", help="send the queued Shopify stock moves now")
    sync.set_defaults(handler=_sync)


def _list(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    try:
        views = CampaignService(bench).campaigns()
    finally:
        bench.close()
    if args.json:
        print_json([_json(view) for view in views])
        return 0
    for view in views:
        flag = "  OVER BUDGET" if view.over_budget else ""
        print(
            f"{view.name}\t{view.state}\t{view.sku}\tbudget {view.budget}\t"
            f"winners {view.winners}\tshipped {view.shipped}\t"
            f"left {view.remaining}{flag}"
        )
    return 0


def _create(args: argparse.Namespace) -> int:
    return _run(
        args,
        lambda service: service.create(
            args.name,
            args.sku,
            args.budget,
            location_id=args.location,
            product_ids=args.product,
        ),
    )


def _link(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    try:
        result = CampaignService(bench).link_product(args.name, args.product_id)
    except CampaignError as error:
        return fail(str(error))
    finally:
        bench.close()
    print(
        f"Product {result.product_id} linked to {result.campaign}: "
        f"{result.mappings_created} mapping(s) made, "
        f"{result.shipments_matched} order(s) matched."
    )
    return 0


def _change(args: argparse.Namespace) -> int:
    def act(service: CampaignService) -> CampaignView:
        if args.verb == "open":
            return service.open(args.name, location_id=args.location)
        if args.verb == "close":
            return service.close(args.name)
        return service.end_live(args.name)

    return _run(args, act)


def _run(args: argparse.Namespace, act: Any) -> int:
    bench = open_bench(args)
    try:
        view = act(CampaignService(bench))
    except CampaignError as error:
        return fail(str(error))
    finally:
        bench.close()
    print(f"{view.name}: {view.state}, budget {view.budget} x {view.sku}")
    return 0


def _warnings(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    try:
        found = CampaignService(bench).warnings()
    finally:
        bench.close()
    for warning in found:
        print(warning.message)
    return 1 if found else 0


def _sync(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    try:
        with _shopify_client() as client:
            report = campaign_effects.drain_once(bench.engine, client)
    except (ShopifyError, ValueError) as error:
        return fail(str(error))
    finally:
        bench.close()
    print(
        f"Campaign stock moves: {report.done} sent, {report.retry_later} to retry, "
        f"{report.failed} failed."
    )
    for message in report.errors:
        fail(message)
    return 1 if report.failed else 0


def _shopify_client() -> ShopifyClient:
    settings = load_settings().effective
    config = ShopifyConfig.from_env(
        settings.shopify_shop_domain or None, settings.shopify_location_id or None
    )
    return open_client(config, _credential_store())


def _credential_store() -> CredentialStore:
    # As ``giveaway-desk shopify``: headless runs bring their credentials in
    # the environment and must not need a keyring.
    headless = (shopify_auth.ACCESS_TOKEN_ENV, shopify_auth.CLIENT_ID_ENV)
    if any(os.environ.get(name) for name in headless):
        return MemoryCredentialStore()
    return CredentialsService.from_settings().store


def _json(view: CampaignView) -> dict[str, object]:
    return {
        "name": view.name,
        "state": view.state,
        "sku": view.sku,
        "budget": view.budget,
        "winners": view.winners,
        "shipped": view.shipped,
        "remaining": view.remaining,
        "over_budget_units": view.over_budget_units,
        "product_ids": list(view.product_ids),
        "warnings": [warning.message for warning in view.warnings],
    }
