"""The packing slip: a PDF on disk, and a barcode an independent reader decodes."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from app.domain import code128
from app.domain.shipments import ShipmentKind, ShipmentState
from app.services.packing import PackLine, PackView
from app.ui.packing_slip import draw_code128, slip_image, write_slip_pdf

ORDER_ID = "579300000000000042"


def a_view() -> PackView:
    return PackView(
        shipment_id=1,
        order_id=ORDER_ID,
        kind=ShipmentKind.GIVEAWAY,
        state=ShipmentState.READY,
        recipient="Morgan Placeholder",
        address="1 Example Street, Springfield, Illinois, 62704, United States",
        postal_code="62704",
        ship_by=None,
        on_hold=False,
        tracking_number=None,
        carrier=None,
        lines=(
            PackLine("L1", "GS-30", "Glow Serum 30ml", False, "00860000000017"),
            PackLine("L2", "MUG-BLK", "Ceramic Mug Black", False),
        ),
    )


def test_pdf_is_written_with_one_page(qapp, tmp_path: Path) -> None:
    path = write_slip_pdf(a_view(), tmp_path / "slip.pdf")

    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page>>") >= 1
    assert len(data) > 1000


def test_slip_barcode_decodes_to_the_order_id(qapp) -> None:
    image = slip_image(a_view(), dpi=203)

    found = zxingcpp.read_barcodes(image)

    assert [(b.text, b.format) for b in found] == [
        (ORDER_ID, zxingcpp.BarcodeFormat.Code128)
    ]


@pytest.mark.parametrize("text", ["AB", ORDER_ID, "GD-12345678"])
def test_drawn_bars_follow_the_module_pattern(qapp, text: str) -> None:
    expected = code128.modules(text)
    pixels = 3
    image = QImage(len(expected) * pixels, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    draw_code128(painter, QRectF(0, 0, image.width(), 20), text, dpi=300)
    painter.end()

    drawn = "".join(
        "1" if QColor(image.pixel(x * pixels + 1, 10)).lightness() < 128 else "0"
        for x in range(len(expected))
    )
    assert drawn == expected
    assert zxingcpp.read_barcodes(image)[0].text == text
