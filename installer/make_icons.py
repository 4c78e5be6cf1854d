"""Draws the QMS Desk icon and writes it as PNG (Linux, window), ICO (Windows) and ICNS
(macOS) into resources/icons. Run again after changing the drawing:

    python installer/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
NAVY, TEAL, WHITE = (36, 59, 83, 255), (38, 166, 154, 255), (255, 255, 255, 255)


def draw(size: int = 1024) -> Image.Image:
    """A navy rounded square with a white document and a teal tick: "checked records"."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    s = size / 64
    pen.rounded_rectangle((2 * s, 2 * s, 62 * s, 62 * s), radius=12 * s, fill=NAVY)
    pen.rounded_rectangle((16 * s, 10 * s, 48 * s, 54 * s), radius=3 * s, fill=WHITE)
    for y in (18, 25, 32):
        pen.rounded_rectangle((21 * s, y * s, 43 * s, (y + 3) * s), radius=1.5 * s,
                              fill=(154, 165, 177, 255))
    pen.line([(22 * s, 43 * s), (29 * s, 49 * s), (43 * s, 36 * s)], fill=TEAL,
             width=int(5 * s), joint="curve")
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "qmsdesk.png")
    image.save(ICONS / "qmsdesk.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    image.save(ICONS / "qmsdesk.icns")


if __name__ == "__main__":
    main()
