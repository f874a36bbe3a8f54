"""The packing slip: order barcode (Code 128), recipient and items, 4 × 6 inch.

The same painting serves the printer (Qt print support), a PDF file
(``QPdfWriter``) and an image (for previews and tests). The barcode holds the
order id, so scanning the slip at the pack station opens the order.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from app.domain import code128
from app.services.packing import PackView

logger = logging.getLogger(__name__)

#: A common thermal label size; it also prints fine on A4 or Letter.
SLIP_SIZE_INCHES = QSizeF(4.0, 6.0)
PDF_DPI = 300
#: The narrowest bar a handheld scanner reads reliably from a printed slip.
MIN_MODULE_INCHES = 0.010


def slip_page_size() -> QPageSize:
    """The slip's page size."""
    return QPageSize(SLIP_SIZE_INCHES, QPageSize.Unit.Inch, "Packing slip 4x6")


def write_slip_pdf(view: PackView, path: Path) -> Path:
    """Write the slip of ``view`` as a one-page PDF at ``path``."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageSize(slip_page_size())
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Inch)
    writer.setTitle(f"Packing slip {view.order_id}")
    writer.setCreator("Giveaway Desk")
    _paint_on(writer, view)
    logger.info("Packing slip for %s written to %s", view.order_id, path)
    return path


def slip_image(view: PackView, dpi: int = 203) -> QImage:
    """The slip as an image at ``dpi`` (203 is a common label printer)."""
    width = round(SLIP_SIZE_INCHES.width() * dpi)
    height = round(SLIP_SIZE_INCHES.height() * dpi)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        paint_slip(painter, QRectF(0, 0, width, height), view, dpi)
    finally:
        painter.end()
    return image


def print_slip(view: PackView, parent: QWidget | None = None) -> bool:
    """Ask for a printer and print the slip; False when the clerk cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(slip_page_size())
    printer.setDocName(f"Packing slip {view.order_id}")
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    _paint_on(printer, view)
    return True


def _paint_on(device: QPagedPaintDevice, view: PackView) -> None:
    painter = QPainter(device)
    try:
        dpi = device.logicalDpiX()
        page = QRectF(0, 0, device.width(), device.height())
        paint_slip(painter, page, view, dpi)
    finally:
        painter.end()


def paint_slip(painter: QPainter, page: QRectF, view: PackView, dpi: float) -> None:
    """Draw the slip into ``page`` (device pixels at ``dpi``)."""
    margin = 0.2 * dpi
    area = page.adjusted(margin, margin, -margin, -margin)
    top = area.top()

    top = _text(painter, area, top, "PACKING SLIP", 9, dpi, bold=True)
    kind = "Giveaway" if view.kind.value == "giveaway" else "Free sample"
    top = _text(painter, area, top, f"{kind} · Order {view.order_id}", 10, dpi)

    bar_height = 0.9 * dpi
    bar_rect = QRectF(area.left(), top + 0.08 * dpi, area.width(), bar_height)
    draw_code128(painter, bar_rect, view.order_id, dpi)
    top = bar_rect.bottom() + 0.04 * dpi
    top = _text(painter, area, top, view.order_id, 11, dpi, centre=True)

    top += 0.12 * dpi
    top = _text(painter, area, top, "Ship to", 8, dpi, bold=True)
    top = _text(painter, area, top, view.recipient, 12, dpi, bold=True)
    top = _text(painter, area, top, view.address, 9, dpi)

    top += 0.12 * dpi
    count = len(view.lines)
    top = _text(painter, area, top, f"Items ({count})", 8, dpi, bold=True)
    for line in view.lines:
        top = _text(painter, area, top, f"☐  {line.sku or '?'}   {line.title}", 10, dpi)
    top += 0.1 * dpi
    _text(painter, area, top, "Scan this slip at the pack station.", 7, dpi)


def draw_code128(painter: QPainter, rect: QRectF, text: str, dpi: float) -> None:
    """Draw ``text`` as Code 128, centred in ``rect``, bars on whole pixels."""
    bits = code128.modules(text)
    pixels = max(1, math.floor(rect.width() / len(bits)))
    if pixels / dpi < MIN_MODULE_INCHES:
        logger.warning("Order id %s barcode is narrower than a scanner likes", text)
    left = round(rect.left() + (rect.width() - pixels * len(bits)) / 2)
    top, height = round(rect.top()), round(rect.height())

    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    run_start = None
    for index, bit in enumerate(bits + "0"):
        if bit == "1" and run_start is None:
            run_start = index
        elif bit == "0" and run_start is not None:
            width = (index - run_start) * pixels
            painter.drawRect(left + run_start * pixels, top, width, height)
            run_start = None
    painter.restore()


def _text(
    painter: QPainter,
    area: QRectF,
    top: float,
    text: str,
    points: float,
    dpi: float,
    *,
    bold: bool = False,
    centre: bool = False,
) -> float:
    """Draw wrapped text from ``top``; return where the next line starts."""
    font = QFont("Sans Serif")
    font.setPixelSize(max(1, round(points * dpi / 72)))
    font.setBold(bold)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    align = Qt.AlignmentFlag.AlignHCenter if centre else Qt.AlignmentFlag.AlignLeft
    flags = int(align) | int(Qt.TextFlag.TextWordWrap)
    box = QRectF(area.left(), top, area.width(), area.bottom() - top)
    used = painter.boundingRect(box, flags, text)
    painter.drawText(box, flags, text)
    return used.bottom() + points * dpi / 72 * 0.25
