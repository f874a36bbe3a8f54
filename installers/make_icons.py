"""Draw the app icon and write it for each OS into ``resources/``.

Run from the repository root after changing the drawing, then commit the files::

    python installers/make_icons.py

Qt draws one 1024-pixel picture offscreen (a parcel with a ribbon on a rounded
tile); Pillow, a build-only dependency (``pip install -e ".[build]"``), scales
it and writes the Windows ``.ico`` and the macOS ``.icns``. The Linux tarball and
the window use the ``.png``.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
BASE_NAME = "giveaway-desk"
MASTER_SIZE = 1024
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)

TILE = "#1f6f5c"
PARCEL = "#f2c14e"
PARCEL_SHADE = "#d9a42f"
RIBBON = "#c8324b"
OUTLINE = "#5a3d0a"


def draw_master() -> bytes:
    """The icon at :data:`MASTER_SIZE` pixels, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(MASTER_SIZE, MASTER_SIZE, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    unit = MASTER_SIZE / 32

    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)

    # The rounded tile behind everything.
    painter.setBrush(QColor(TILE))
    painter.drawRoundedRect(
        QRectF(unit, unit, 30 * unit, 30 * unit), 6 * unit, 6 * unit
    )

    # The parcel: a box body and a slightly wider lid.
    outline = QPen(QColor(OUTLINE), 0.6 * unit)
    painter.setPen(outline)
    painter.setBrush(QColor(PARCEL))
    painter.drawRect(QRectF(8 * unit, 14 * unit, 16 * unit, 12 * unit))
    painter.setBrush(QColor(PARCEL_SHADE))
    painter.drawRect(QRectF(7 * unit, 10 * unit, 18 * unit, 4.5 * unit))

    # The ribbon across lid and body, and its two loops on top.
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(RIBBON))
    painter.drawRect(QRectF(14.5 * unit, 10 * unit, 3 * unit, 16 * unit))
    painter.drawEllipse(QRectF(10 * unit, 5.5 * unit, 6 * unit, 5 * unit))
    painter.drawEllipse(QRectF(16 * unit, 5.5 * unit, 6 * unit, 5 * unit))
    painter.setBrush(QColor(TILE))
    painter.drawEllipse(QRectF(12 * unit, 7 * unit, 3 * unit, 2 * unit))
    painter.drawEllipse(QRectF(17 * unit, 7 * unit, 3 * unit, 2 * unit))
    painter.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    assert app is not None
    return bytes(data.data())


def write_icons(master_png: bytes, folder: Path = RESOURCES) -> list[Path]:
    """Write the ``.png``, ``.ico`` and ``.icns`` files; returns their paths."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    master = Image.open(io.BytesIO(master_png)).convert("RGBA")
    png = folder / f"{BASE_NAME}.png"
    master.resize((256, 256), Image.Resampling.LANCZOS).save(png, optimize=True)
    ico = folder / f"{BASE_NAME}.ico"
    master.save(ico, sizes=[(size, size) for size in ICO_SIZES])
    icns = folder / f"{BASE_NAME}.icns"
    master.save(icns, sizes=[(size, size) for size in ICNS_SIZES])
    return [png, ico, icns]


def main() -> int:
    """Draw and write every icon file."""
    for path in write_icons(draw_master()):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")  # noqa: T201 (a script)
    return 0


if __name__ == "__main__":
    sys.exit(main())
