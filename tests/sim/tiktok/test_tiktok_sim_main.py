"""``python -m app.sim.tiktok`` serves the demo shop for manual demos."""

from __future__ import annotations

import subprocess
import sys

import httpx

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.tiktok import TikTokConfig, TikTokShopClient
from app.net.tiktok import credentials as names
from app.sim.tiktok.__main__ import _parser, build_sim


def read_exports(process: subprocess.Popen[str]) -> dict[str, str]:
    exports: dict[str, str] = {}
    assert process.stdout is not None
    while "GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN" not in exports:
        line = process.stdout.readline()
        assert line, "the simulator stopped before printing its credentials"
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            exports[name] = value
    return exports


def test_the_module_serves_the_demo_shop_over_loopback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.sim.tiktok", "--port", "0", "--orders", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        env = read_exports(process)
        url = env["GIVEAWAY_DESK_TIKTOK_API_URL"]
        store = MemoryCredentialStore(
            {
                names.APP_KEY: Secret(env["GIVEAWAY_DESK_TIKTOK_APP_KEY"]),
                names.APP_SECRET: Secret(env["GIVEAWAY_DESK_TIKTOK_APP_SECRET"]),
                names.ACCESS_TOKEN: Secret(env["GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN"]),
            }
        )
        config = TikTokConfig(api_base_url=url, auth_base_url=url)
        with TikTokShopClient(config, store) as client:
            page = client.search_orders({}, page_size=100)
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert url.startswith("http://127.0.0.1:")
    assert page.total_count == 30 == len(page.orders)
    assert httpx.URL(url).port != 0


def test_demo_options_set_region_faults_and_rate_limit() -> None:
    args = _parser().parse_args(
        ["--orders", "5", "--region", "ID", "--fail-every", "4", "--rate", "2"]
    )
    sim = build_sim(args)

    assert len(sim.orders) == 5
    assert sim.shop.region == "ID"
    assert sim.faults.server_error_every == 4
    assert sim.rate_limit is not None
    assert [sim.rate_limit.take() for _ in range(5)][-1] == 1
