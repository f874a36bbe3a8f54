"""The demo store: a believable small beauty-and-home shop with a week of orders.

Everything is generated from a seed, so the same seed and the same "now" give
the same store. Orders have the exact shape of TikTok Shop's 202309 Order API;
the catalog is what Shopify would hold. Names, addresses and ids are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from stdnum import ean

DEFAULT_SEED = 20261203

_PRODUCTS: tuple[tuple[str, str, str, str], ...] = (
    # (product title, SKU stem, "variant=code" list, unit cost)
    ("Lavender Soy Candle", "CNDL-LAV", "8oz=08,12oz=12,16oz=16", "4.10"),
    ("Sea Salt & Sage Candle", "CNDL-SSG", "8oz=08,12oz=12", "4.30"),
    ("Glow Serum", "GS", "15ml=15,30ml=30,50ml=50", "6.20"),
    ("Hydrating Face Mist", "MIST-HYD", "50ml=50,100ml=100", "3.40"),
    ("Vitamin C Brightening Cream", "CRM-VTC", "30g=30,50g=50", "5.80"),
    ("Rose Clay Mask", "MASK-RSC", "75g=75", "3.90"),
    ("Bamboo Hair Brush", "BRSH-BMB", "Standard=STD,Travel=TRV", "2.70"),
    ("Silk Scrunchie Set", "SCR-SLK", "Blush=BLS,Black=BLK,Champagne=CHP", "1.90"),
    ("Matte Lip Tint", "LIP-MT", "Rosewood=RSW,Coral=CRL,Berry=BRY,Nude=NUD", "2.10"),
    ("Jade Face Roller", "ROLL-JAD", "Green=GRN,Rose Quartz=RQZ", "3.20"),
    ("Whipped Body Butter", "BB-WHP", "Vanilla=VAN,Coconut=COC,Unscented=UNS", "4.60"),
    ("Overnight Lip Mask", "LIP-ON", "Berry=BRY,Mint=MNT", "2.80"),
    ("Ceramic Diffuser", "DIFF-CER", "White=WHT,Sand=SND", "9.50"),
    ("Essential Oil Trio", "OIL-TRI", "Calm=CLM,Energy=NRG", "7.40"),
    ("Microfiber Hair Towel", "TWL-MF", "Grey=GRY,Pink=PNK,Ivory=IVY", "2.30"),
    ("Heatless Curling Rod", "CURL-HL", "Satin Pink=PNK,Satin Black=BLK", "2.60"),
    ("Gua Sha Stone", "GUA-STN", "Jade=JAD,Amethyst=AME", "2.90"),
    ("Nail Care Kit", "NAIL-KIT", "7 piece=07,12 piece=12", "3.70"),
    ("Makeup Sponge Duo", "SPNG-DUO", "Peach=PCH,Lilac=LLC", "1.20"),
    ("Retinol Night Oil", "OIL-RTN", "30ml=30", "6.90"),
    ("Hyaluronic Eye Patches", "EYE-HYA", "Gold=GLD,Rose=RSE", "3.10"),
    (
        "Satin Pillowcase",
        "PLW-SAT",
        "Queen Pearl=QPL,King Pearl=KPL,Queen Sage=QSG",
        "5.40",
    ),
    ("Lip Oil Gloss", "LIP-OIL", "Cherry=CHR,Clear=CLR,Peach=PCH", "2.40"),
)

_FIRST_NAMES = (
    "Jordan",
    "Riley",
    "Avery",
    "Morgan",
    "Casey",
    "Taylor",
    "Jamie",
    "Quinn",
    "Harper",
    "Rowan",
    "Sasha",
    "Devon",
    "Emerson",
    "Finley",
    "Hayden",
    "Kai",
    "Logan",
    "Parker",
    "Reese",
    "Skyler",
    "Alex",
    "Blair",
    "Cameron",
    "Drew",
)
_LAST_NAMES = (
    "Example",
    "Sample",
    "Demo",
    "Testa",
    "Placeholder",
    "Mockley",
    "Fakeman",
    "Doe",
    "Roe",
    "Moe",
    "Lorem",
    "Ipsum",
    "Dolor",
    "Amet",
    "Consec",
    "Elit",
)
_STREETS = (
    "Example Street",
    "Demo Avenue",
    "Sample Road",
    "Mock Lane",
    "Test Boulevard",
    "Placeholder Way",
    "Fixture Court",
    "Stub Drive",
    "Harness Place",
)
_CITIES = (
    ("Springfield", "Illinois", "627"),
    ("Austin", "Texas", "787"),
    ("Columbus", "Ohio", "432"),
    ("Portland", "Oregon", "972"),
    ("Tampa", "Florida", "336"),
    ("Denver", "Colorado", "802"),
    ("Raleigh", "North Carolina", "276"),
    ("Madison", "Wisconsin", "537"),
)
_CREATORS = (
    ("glowwithmaya", "Maya Glow"),
    ("candlecorner", "Candle Corner"),
    ("skincarebyjo", "Jo's Skincare"),
    ("cozyhomecass", "Cozy Cass"),
    ("beautybench", "Beauty Bench"),
)
# How TikTok's duplicate listing for a LIVE giveaway tends to differ from the
# original: a prefix, a dropped word, a size moved or written differently.
_GIVEAWAY_TITLE_STYLES = (
    "LIVE Giveaway - {title}",
    "{title} (Giveaway)",
    "[LIVE] {title}",
    "{product} - {variant} - FREE LIVE PRIZE",
)


@dataclass(frozen=True, slots=True)
class DemoVariant:
    """One sellable variant of the demo catalog."""

    sku: str
    title: str
    product_title: str
    variant_title: str
    gtin: str
    tiktok_product_id: str
    tiktok_sku_id: str
    unit_cost: str
    available: int


@dataclass(frozen=True, slots=True)
class GiveawayListing:
    """TikTok's duplicate listing for one LIVE giveaway, and what it really is."""

    product_id: str
    sku_id: str
    title: str
    original_sku: str


@dataclass(frozen=True, slots=True)
class DemoStore:
    """The whole demo store: catalog, giveaway listings and TikTok orders."""

    catalog: tuple[DemoVariant, ...]
    giveaways: tuple[GiveawayListing, ...]
    orders: tuple[dict[str, Any], ...]
    #: The "now" the store was made for; the same moment makes the same store.
    made_at: datetime


def build_demo_store(
    *, now: datetime | None = None, seed: int = DEFAULT_SEED, order_count: int = 200
) -> DemoStore:
    """Generate the demo store as of ``now`` (default: the current time)."""
    rng = random.Random(seed)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    catalog = _catalog(rng)
    builder = _Orders(rng, catalog, moment)
    orders = builder.generate(order_count)
    giveaways = tuple(
        GiveawayListing(product_id, sku_id, title, variant.sku)
        for variant, product_id, sku_id, title in builder.giveaways
    )
    return DemoStore(
        catalog=tuple(catalog),
        giveaways=giveaways,
        orders=tuple(orders),
        made_at=moment,
    )


def _catalog(rng: random.Random) -> list[DemoVariant]:
    variants: list[DemoVariant] = []
    for product_index, (product, stem, options, cost) in enumerate(_PRODUCTS):
        product_id = f"17295{product_index:04d}00000000"
        for option_index, pair in enumerate(options.split(",")):
            option, code = pair.split("=")
            body = f"08600{product_index:03d}{option_index:02d}{rng.randrange(100):02d}"
            variants.append(
                DemoVariant(
                    sku=f"{stem}-{code}",
                    title=f"{product} {option}",
                    product_title=product,
                    variant_title=option,
                    gtin=body + ean.calc_check_digit(body),
                    tiktok_product_id=product_id,
                    tiktok_sku_id=f"{product_id[:-2]}{option_index + 1:02d}",
                    unit_cost=cost,
                    available=rng.randrange(5, 240),
                )
            )
    return variants


class _Orders:
    """Builds TikTok order objects for the demo week."""

    def __init__(
        self, rng: random.Random, catalog: list[DemoVariant], now: datetime
    ) -> None:
        self.rng = rng
        self.catalog = catalog
        self.now = now
        self.sequence = 0
        self.giveaways = self._giveaway_listings()

    def _giveaway_listings(self) -> list[tuple[DemoVariant, str, str, str]]:
        """Four LIVE giveaways: each a duplicate listing of one real variant."""
        picks = self.rng.sample(self.catalog, 4)
        listings = []
        for index, variant in enumerate(picks):
            style = _GIVEAWAY_TITLE_STYLES[index % len(_GIVEAWAY_TITLE_STYLES)]
            title = style.format(
                title=variant.title,
                product=variant.product_title,
                variant=variant.variant_title,
            )
            product_id = f"17319999{index:02d}00000{self.rng.randrange(10000):04d}"
            sku_id = f"{product_id[:-4]}{self.rng.randrange(10000):04d}"
            listings.append((variant, product_id, sku_id, title))
        return listings

    def generate(self, count: int) -> list[dict[str, Any]]:
        orders = []
        for _ in range(count):
            roll = self.rng.random()
            if roll < 0.45:
                orders.append(self._giveaway_order())
            elif roll < 0.70:
                orders.append(self._sample_order())
            else:
                orders.append(self._ordinary_order())
        return orders

    # --- kinds of order -------------------------------------------------------

    def _giveaway_order(self) -> dict[str, Any]:
        _original, product_id, sku_id, title = self.rng.choice(self.giveaways)
        order = self._order(order_type="ZERO_LOTTERY", free=True)
        order["line_items"] = [
            self._line(order, product_id, sku_id, title, seller_sku="", sku_name="")
        ]
        return order

    def _sample_order(self) -> dict[str, Any]:
        variant = self.rng.choice(self.catalog)
        order = self._order(order_type="", free=True, sample=True)
        handle, nickname = self.rng.choice(_CREATORS)
        order["buyer_message"] = f"Creator sample for @{handle} ({nickname})"
        order["line_items"] = [
            self._line(
                order,
                variant.tiktok_product_id,
                variant.tiktok_sku_id,
                variant.title,
                seller_sku=variant.sku,
                sku_name=variant.variant_title,
            )
        ]
        return order

    def _ordinary_order(self) -> dict[str, Any]:
        order = self._order(order_type="", free=False)
        units = self.rng.choice((1, 1, 1, 2, 3))
        variant = self.rng.choice(self.catalog)
        order["line_items"] = [
            self._line(
                order,
                variant.tiktok_product_id,
                variant.tiktok_sku_id,
                variant.title,
                seller_sku=variant.sku,
                sku_name=variant.variant_title,
                price="19.99",
            )
            for _ in range(units)
        ]
        return order

    # --- shared shape ---------------------------------------------------------

    def _order(
        self, *, order_type: str, free: bool, sample: bool = False
    ) -> dict[str, Any]:
        self.sequence += 1
        created = self.now - timedelta(minutes=self.rng.randrange(30, 7 * 24 * 60))
        status, on_hold = self._status(created)
        create_time = int(created.timestamp())
        # Sellers get three days to hand a parcel over; TikTok's own deadline
        # is two days later.
        rts_sla = create_time + 3 * 24 * 3600
        order: dict[str, Any] = {
            "id": f"5791{self.sequence:014d}",
            "status": status,
            "order_type": order_type,
            "is_sample_order": sample,
            "is_on_hold_order": on_hold,
            "is_replacement_order": False,
            "is_cod": False,
            "is_buyer_request_cancel": False,
            "create_time": create_time,
            # Never after "now": a pull that ends at the current second must
            # see every order of the demo week.
            "update_time": min(
                create_time + self.rng.randrange(60, 3600), int(self.now.timestamp())
            ),
            "paid_time": create_time + 15,
            "rts_sla_time": rts_sla,
            "tts_sla_time": rts_sla + 2 * 24 * 3600,
            "shipping_due_time": rts_sla,
            "commerce_platform": "TIKTOK_SHOP",
            "fulfillment_type": "FULFILLMENT_BY_SELLER",
            "shipping_type": "SELLER",
            "delivery_type": "HOME_DELIVERY",
            "delivery_option_id": "7200000000000000011",
            "delivery_option_name": "Shipped by seller",
            "warehouse_id": "7300000000000000021",
            "user_id": f"74000000{self.rng.randrange(10**10):010d}",
            "buyer_email": f"v1demo{self.sequence}@scs2.tiktok.com",
            "buyer_message": "",
            "seller_note": "",
            "tracking_number": "",
            "shipping_provider": "",
            "shipping_provider_id": "",
            "packages": [{"id": f"1154{self.sequence:015d}"}],
            "payment": self._payment(free),
            "recipient_address": self._address(),
        }
        if status == "CANCELLED":
            order["cancel_reason"] = "Buyer changed mind"
            order["cancellation_initiator"] = "BUYER"
            order["cancel_time"] = create_time + 1800
        return order

    def _status(self, created: datetime) -> tuple[str, bool]:
        age = self.now - created
        roll = self.rng.random()
        if roll < 0.07:
            return "CANCELLED", False
        if roll < 0.14 and age < timedelta(hours=36):
            return "ON_HOLD", True
        # Most of last week's parcels have left; a few stragglers are late.
        if age > timedelta(days=2) and roll < 0.85:
            return ("IN_TRANSIT" if age < timedelta(days=5) else "DELIVERED"), False
        return "AWAITING_SHIPMENT", False

    def _line(
        self,
        order: dict[str, Any],
        product_id: str,
        sku_id: str,
        title: str,
        *,
        seller_sku: str,
        sku_name: str,
        price: str = "0.00",
    ) -> dict[str, Any]:
        line_number = len(order.get("line_items", [])) + self.rng.randrange(1, 9)
        return {
            "id": f"{order['id']}{line_number:02d}",
            "product_id": product_id,
            "product_name": title,
            "sku_id": sku_id,
            "sku_name": sku_name,
            "seller_sku": seller_sku,
            "sku_type": "NORMAL",
            "original_price": price,
            "sale_price": price,
            "currency": "USD",
            "display_status": order["status"],
            "package_id": order["packages"][0]["id"],
            "package_status": "TO_FULFILL",
            "is_gift": False,
        }

    def _payment(self, free: bool) -> dict[str, str]:
        if free:
            return {
                "currency": "USD",
                "sub_total": "0.00",
                "shipping_fee": "0.00",
                "tax": "0.00",
                "total_amount": "0.00",
            }
        return {
            "currency": "USD",
            "sub_total": "19.99",
            "shipping_fee": "0.00",
            "tax": "1.60",
            "total_amount": "21.59",
        }

    def _address(self) -> dict[str, Any]:
        first = self.rng.choice(_FIRST_NAMES)
        last = self.rng.choice(_LAST_NAMES)
        city, state, zip_prefix = self.rng.choice(_CITIES)
        postal_code = f"{zip_prefix}{self.rng.randrange(100):02d}"
        street = f"{self.rng.randrange(10, 9999)} {self.rng.choice(_STREETS)}"
        return {
            "name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "phone_number": f"(+1)555-***-{self.rng.randrange(10000):04d}",
            "full_address": f"{street}, {city}, {state}, {postal_code}, United States",
            "address_line1": street,
            "address_line2": "",
            "postal_code": postal_code,
            "region_code": "US",
            "district_info": [
                {
                    "address_level": "L0",
                    "address_level_name": "Country",
                    "address_name": "United States",
                },
                {
                    "address_level": "L1",
                    "address_level_name": "State",
                    "address_name": state,
                },
                {
                    "address_level": "L3",
                    "address_level_name": "City",
                    "address_name": city,
                },
            ],
        }
