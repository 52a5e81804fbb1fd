"""Contrast between two colours as WCAG 2.2 defines it (relative luminance, 1.4.3 and 1.4.11).

A municipality's own colours are checked with this before they are saved: text needs at least
4.5:1 against its background, user-interface components (borders, focus outlines) at least 3:1.
"""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TEXT = 4.5  # WCAG 1.4.3, normal text
UI = 3.0  # WCAG 1.4.11, user-interface components and graphics


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of `#rrggbb`, from 0 (black) to 1 (white)."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """From 1.0 (the same) to 21.0 (black on white); the order does not matter."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
