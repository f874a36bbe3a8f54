"""Creator samples from the command line: import a sheet, export tracking numbers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import fail, open_bench
from app.domain.credentials import CredentialStore
from app.net.tiktok import EnvCredentialStore, TikTokConfig, TikTokShopClient
from app.net.tiktok.affiliate import AffiliateClient
from app.net.tiktok.client import NotConfiguredError
from app.net.tiktok.errors import TikTokError
from app.services.bench import Bench
from app.services.credentials import CredentialsService, CredentialStoreError
from app.services.samples import SamplesService, ensure_demo_samples
from app.services.samples_csv import (
    SampleCsvError,
    SampleField,
    guess_mapping,
    mapping_from_names,
    read_table,
)


def register(subparsers: Any) -> None:
    """Add ``import-samples`` and ``export-tracking``."""
    fields = ", ".join(field.value for field in SampleField)
    parser = subparsers.add_parser(
        "import-samples",
        help="import creator sample requests from a CSV sheet",
        description="Import sample requests (one row per application) from a CSV "
        "file in UTF-8, UTF-16 or Windows-1252, separated by commas, semicolons "
        "or tabs. Columns are found by their header names; name any others with "
        "--map FIELD=HEADER. Approved requests (a row without a status counts as "
        "approved) with an address and no TikTok order become parcels to send. "
        "Bad rows are listed by line number; the good rows are imported. "
        f"Fields: {fields}.",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="read FIELD from the column named HEADER (repeatable)",
    )
    parser.set_defaults(handler=_import_samples)

    parser = subparsers.add_parser(
        "pull-samples",
        help="pull creator sample requests from TikTok Affiliate",
        description="Read every sample request of the connected TikTok shop, "
        "link each to its sample order, and queue sample orders not pulled yet.",
    )
    parser.add_argument(
        "--status", default="", help="only requests in this status (e.g. PENDING)"
    )
    parser.set_defaults(handler=_pull_samples)

    parser = subparsers.add_parser(
        "export-tracking",
        help="write tracking numbers of samples sent without a TikTok order (CSV)",
        description="Write a CSV of the samples sent without a TikTok order, "
        "with their tracking numbers, for upload in TikTok's Affiliate Center. "
        "Samples with an order reach TikTok through the order API instead.",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write here instead of the terminal"
    )
    parser.set_defaults(handler=_export_tracking)


def _service(args: argparse.Namespace) -> tuple[Bench, SamplesService]:
    bench = open_bench(args)
    if args.demo:
        ensure_demo_samples(bench)
    return bench, SamplesService(bench)


def _import_samples(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
        table = read_table(data)
        mapping = guess_mapping(table.header)
        mapping.update(mapping_from_names(table.header, _pairs(args.map)))
    except OSError as error:
        return fail(f"{args.file}: {error.strerror or error}", 2)
    except SampleCsvError as error:
        return fail(str(error), 2)

    bench, service = _service(args)
    try:
        result = service.import_csv(data, mapping=mapping, source=str(args.file))
    except SampleCsvError as error:
        return fail(str(error), 2)
    finally:
        bench.close()
    columns = ", ".join(f"{k}={v!r}" for k, v in result.columns.items())
    print(f"Columns: {columns}")
    for line in result.report_lines():
        print(line)
    print(result.summary())
    return 0 if result.ok else 1


def _pairs(values: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        field, sep, header = value.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise SampleCsvError(f"--map wants FIELD=HEADER, not '{value}'.")
        pairs[field.strip()] = header.strip()
    return pairs


def _export_tracking(args: argparse.Namespace) -> int:
    bench, service = _service(args)
    try:
        if args.out is None:
            written = service.export_tracking(sys.stdout)
        else:
            written = service.export_tracking_file(args.out)
    except OSError as error:
        return fail(f"{args.out}: {error.strerror or error}", 2)
    finally:
        bench.close()
    where = f" to {args.out}" if args.out else ""
    sys.stderr.write(f"{written} sample tracking numbers written{where}.\n")
    return 0


def _pull_samples(args: argparse.Namespace) -> int:
    bench, service = _service(args)
    try:
        with TikTokShopClient(TikTokConfig.from_env(), _credentials()) as client:
            missing = client.missing_credentials()
            if missing:
                raise NotConfiguredError(", ".join(missing) + " not set")
            report = service.pull(
                AffiliateClient(client),
                filters={"status": args.status.strip().upper()},
                orders=client,
            )
    except (TikTokError, CredentialStoreError) as error:
        return fail(f"Pulling sample requests failed: {error}")
    finally:
        bench.close()
    for message in report.errors:
        fail(message)
    print(report.summary() + ".")
    if report.orders is not None:
        print(f"Sample orders: {report.orders.summary()}.")
    return 1 if report.errors else 0


def _credentials() -> CredentialStore:
    """The keyring under the environment's ``GIVEAWAY_DESK_TIKTOK_*`` values."""
    service = CredentialsService.from_settings()
    if not service.check_backend().usable:
        # No keyring (a server, a CI run): the environment must carry it all.
        service.use_for_this_run()
    return EnvCredentialStore(service.store)
