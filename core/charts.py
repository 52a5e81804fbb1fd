"""Server-rendered charts: a horizontal bar chart as accessible, scalable SVG.

One picture per table of figures; the page always shows the same figures as a real table
under or next to the chart, so nobody depends on the picture.

- `role="img"` with a `<title>` and `<desc>` (referenced by `aria-labelledby`);
- labels and values are drawn as text, never expressed by colour alone;
- sizes are viewBox units, so the chart scales with its container;
- the bar colour has more than 3:1 contrast against white, text more than 4.5:1;
- no inline styles and no scripts (a strict Content-Security-Policy allows it).
"""

import html
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#0a58ca"  # 6.4:1 against white
TEXT_COLOUR = "#212529"  # 15.4:1 against white
AXIS_COLOUR = "#6c757d"  # 4.7:1 against white

WIDTH = 640
FONT_SIZE = 16
ROW_HEIGHT = 34
BAR_HEIGHT = 22
PADDING = 8
CHAR_WIDTH = 8.8  # a generous average for FONT_SIZE: labels are laid out by estimate
MAX_LABEL_SHARE = 0.5  # labels take at most this share of the width; longer ones get an ellipsis
GAP = 8

Number = int | float | Decimal


def horizontal_bar_chart(
    data: Sequence[tuple[str, Number]],
    *,
    title: str,
    chart_id: str,
    description: str = "",
    value_format: Callable[[Number], str] = str,
) -> SafeString:
    """An SVG bar chart of `data` [(label, value)], one bar per row, in the given order.

    Returns an empty string for empty data: the page then says there is nothing to show.
    Negative values are drawn as zero (counts and amounts are never negative).
    """
    if not data:
        return mark_safe("")  # noqa: S308 - a constant
    if not re.fullmatch(r"[A-Za-z][\w-]*", chart_id):
        raise ValueError(f"chart_id must be a valid HTML id, got {chart_id!r}")

    labels = [str(label) for label, _value in data]
    values = [max(float(value or 0), 0.0) for _label, value in data]
    shown = [value_format(value) for _label, value in data]

    longest = max(len(label) for label in labels)
    max_label_chars = min(longest, int(WIDTH * MAX_LABEL_SHARE / CHAR_WIDTH))
    label_width = max_label_chars * CHAR_WIDTH + GAP
    value_width = max(len(text) for text in shown) * CHAR_WIDTH + GAP
    bar_x = PADDING + label_width
    bar_space = max(WIDTH - bar_x - value_width - PADDING, 1)
    top = max(values) or 1.0
    height = PADDING * 2 + ROW_HEIGHT * len(data)

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    labelled_by = f"{title_id} {desc_id}" if description else title_id
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{labelled_by}" '
        f'focusable="false" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{desc_id}">{escape(description)}</desc>')
    for index, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
        row_top = PADDING + index * ROW_HEIGHT
        bar_y = row_top + (ROW_HEIGHT - BAR_HEIGHT) / 2
        text_y = row_top + ROW_HEIGHT / 2
        bar_width = bar_space * value / top
        parts.append(
            f'<text x="{_n(bar_x - GAP)}" y="{_n(text_y)}" text-anchor="end" dominant-baseline="central">'
            f"{escape(_shorten(label, max_label_chars))}</text>"
        )
        if bar_width > 0:
            parts.append(
                f'<rect x="{_n(bar_x)}" y="{_n(bar_y)}" width="{_n(bar_width)}" height="{BAR_HEIGHT}" '
                f'fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{_n(bar_x + bar_width + GAP / 2)}" y="{_n(text_y)}" dominant-baseline="central" '
            f'font-weight="bold">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{_n(bar_x)}" y1="{PADDING}" x2="{_n(bar_x)}" y2="{height - PADDING}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def escape(text) -> str:
    """The same text as django.utils.html.escape, without its lazy wrapper (a chart of a
    thousand villages escapes two thousand texts)."""
    return html.escape(str(text))


def _shorten(label: str, max_chars: int) -> str:
    return label if len(label) <= max_chars else label[: max_chars - 1].rstrip() + "…"


def _n(number: float) -> str:
    """A coordinate with at most one decimal, without trailing zeros."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


BEFORE_COLOUR = "#6c757d"  # 4.7:1 against white; drawn hatched, so colour is not the only difference
GROUP_BAR_HEIGHT = 18
GROUP_BAR_GAP = 4
GROUP_PADDING = 16  # between two groups
LEGEND_HEIGHT = 32
SWATCH = 16


def grouped_bar_chart(
    data: Sequence[tuple[str, Number | None, Number | None]],
    *,
    series: tuple[str, str],
    title: str,
    chart_id: str,
    description: str = "",
    value_format: Callable[[Number], str] = str,
    maximum: Number | None = None,
) -> SafeString:
    """An SVG chart of `data` [(label, before, after)]: per row two bars, before above after.

    `series` names the two bars in a legend. "Before" is hatched and grey, "after" solid blue,
    so the two differ in more than colour. A missing value (None) draws no bar and "–".
    `maximum` fixes the scale (e.g. 5 for scores of 1 to 5); by default the largest value.
    Returns an empty string for empty data.
    """
    if not data:
        return mark_safe("")  # noqa: S308 - a constant
    if not re.fullmatch(r"[A-Za-z][\w-]*", chart_id):
        raise ValueError(f"chart_id must be a valid HTML id, got {chart_id!r}")

    labels = [str(label) for label, _before, _after in data]
    pairs = [
        tuple(None if value is None else max(float(value), 0.0) for value in (before, after))
        for _label, before, after in data
    ]
    shown = [tuple("–" if value is None else value_format(value) for value in pair) for pair in pairs]

    longest = max(len(label) for label in labels)
    max_label_chars = min(longest, int(WIDTH * MAX_LABEL_SHARE / CHAR_WIDTH))
    label_width = max_label_chars * CHAR_WIDTH + GAP
    value_width = max(len(text) for pair in shown for text in pair) * CHAR_WIDTH + GAP
    bar_x = PADDING + label_width
    bar_space = max(WIDTH - bar_x - value_width - PADDING, 1)
    top = float(maximum) if maximum else max((v for pair in pairs for v in pair if v is not None), default=0) or 1.0
    group_height = 2 * GROUP_BAR_HEIGHT + GROUP_BAR_GAP + GROUP_PADDING
    chart_top = PADDING + LEGEND_HEIGHT
    height = chart_top + group_height * len(data) + PADDING

    title_id, desc_id, hatch_id = f"{chart_id}-title", f"{chart_id}-desc", f"{chart_id}-before"
    labelled_by = f"{title_id} {desc_id}" if description else title_id
    before_fill = f'fill="url(#{hatch_id})" stroke="{BEFORE_COLOUR}" stroke-width="1.5"'
    after_fill = f'fill="{BAR_COLOUR}"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{labelled_by}" '
        f'focusable="false" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{desc_id}">{escape(description)}</desc>')
    parts.append(
        f'<defs><pattern id="{hatch_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="3" height="6" fill="{BEFORE_COLOUR}"/></pattern></defs>'
    )

    # The legend: a swatch and the name of each series, on one line above the bars.
    legend_y = PADDING + (LEGEND_HEIGHT - SWATCH) / 2
    x = bar_x
    for name, fill in zip(series, (before_fill, after_fill), strict=True):
        parts.append(f'<rect x="{_n(x)}" y="{_n(legend_y)}" width="{SWATCH}" height="{SWATCH}" {fill}/>')
        parts.append(
            f'<text x="{_n(x + SWATCH + GAP / 2)}" y="{_n(legend_y + SWATCH / 2)}" dominant-baseline="central">'
            f"{escape(str(name))}</text>"
        )
        x += SWATCH + GAP + len(str(name)) * CHAR_WIDTH + 3 * GAP

    for index, (label, pair, texts) in enumerate(zip(labels, pairs, shown, strict=True)):
        group_top = chart_top + index * group_height + GROUP_PADDING / 2
        parts.append(
            f'<text x="{_n(bar_x - GAP)}" y="{_n(group_top + GROUP_BAR_HEIGHT + GROUP_BAR_GAP / 2)}" '
            f'text-anchor="end" dominant-baseline="central">{escape(_shorten(label, max_label_chars))}</text>'
        )
        for position, (value, text, fill) in enumerate(zip(pair, texts, (before_fill, after_fill), strict=True)):
            bar_y = group_top + position * (GROUP_BAR_HEIGHT + GROUP_BAR_GAP)
            bar_width = 0.0 if value is None else bar_space * min(value, top) / top
            if bar_width > 0:
                parts.append(
                    f'<rect x="{_n(bar_x)}" y="{_n(bar_y)}" width="{_n(bar_width)}" '
                    f'height="{GROUP_BAR_HEIGHT}" {fill}/>'
                )
            weight = ' font-weight="bold"' if position else ""  # the "after" value stands out
            parts.append(
                f'<text x="{_n(bar_x + bar_width + GAP / 2)}" y="{_n(bar_y + GROUP_BAR_HEIGHT / 2)}" '
                f'dominant-baseline="central"{weight}>{escape(text)}</text>'
            )
    parts.append(
        f'<line x1="{_n(bar_x)}" y1="{chart_top}" x2="{_n(bar_x)}" y2="{height - PADDING}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
