"""The officers' list's counters, column headers and rows, written in Python.

One row of the list was some twenty template nodes, a counter or a column header ten, so
rendering them was the largest part of the dashboard's rendering
(bench/results/triage_list_profile.md). The markup is the same as the template's was; the texts
and links come from `DashboardView` (`_rows`, `_columns`, the counters). Every text is escaped
here as Django's `escape` does (`esc`).
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# What django.utils.html.escape writes for each character, in one C-level call per text.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def esc(value) -> str:
    return str(value).translate(_ESCAPES)


@register.simple_tag(takes_context=True)
def dashboard_counters(context, counters):
    """One card per counter; an overdue counter above zero has a red border. A counter that was
    not counted to the end shows "1000+" (read out as "More than 1000")."""
    items = []
    for counter in counters:
        key, count = esc(counter["key"]), counter["count"]
        alert = " border-danger border-2" if count and "overdue" in counter["key"] else ""
        number = esc(count)
        if counter.get("more_than") is not None:
            more = counter["more_than"]
            spoken = esc(context["more_than_text"] % {"count": more})
            number = f'<span aria-hidden="true">{esc(more)}+</span><span class="visually-hidden">{spoken}</span>'
        items.append(
            '<li class="col">'
            f'<a class="card h-100 p-3 text-decoration-none link-body-emphasis{alert}" '
            f'href="{esc(counter["url"])}" id="counter-{key}" data-counter="{key}">'
            f'<span class="d-block fs-2 fw-bold lh-1 mb-1">{number}</span>'
            f'<span class="text-decoration-underline">{esc(counter["label"])}</span>'
            "</a></li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every text is escaped above


ARROWS = {"ascending": '<span aria-hidden="true">▲</span>', "descending": '<span aria-hidden="true">▼</span>'}


@register.simple_tag
def dashboard_header(columns):
    """One header cell per column: a link that sorts on it, aria-sort and an arrow on the sorted one."""
    cells = []
    for column in columns:
        direction = column["direction"]
        sort = f' aria-sort="{esc(direction)}"' if direction else ""
        cells.append(
            f'<th scope="col"{sort}><a href="{esc(column["url"])}" data-sort="{esc(column["param"])}">'
            f"{esc(column['label'])}</a>{ARROWS.get(direction, '')}</th>"
        )
    return mark_safe("\n".join(cells))  # noqa: S308 - every text is escaped above


@register.simple_tag(takes_context=True)
def dashboard_rows(context, rows):
    """Every row of the page; with the municipality under the village when the list has several."""
    new_reply = (
        ' <span class="badge bg-info-subtle text-info-emphasis border border-info" data-new-reply>'
        f"{esc(context['new_reply_text'])}</span>"
    )
    overdue = (
        '<span class="badge bg-danger-subtle text-danger-emphasis border border-danger d-block mt-1" '
        'data-overdue="{kind}">' + esc(context["overdue_text"]) + "</span>"
    )
    first_response_overdue = overdue.format(kind="first_response")
    decision_overdue = overdue.format(kind="decision")
    not_assigned = f'<span class="fst-italic">{esc(context["not_assigned_text"])}</span>'
    several_municipalities = not context.get("municipality")
    html = []
    for row in rows:
        pk = esc(row.pk)
        municipality = ""
        if several_municipalities:
            municipality = f'<span class="d-block small">{esc(row.municipality_name)}</span>'
        first_response_badge = first_response_overdue if row.is_first_response_overdue else ""
        html.append(
            f'<tr data-initiative="{pk}">'
            f'<td><input class="form-check-input" type="checkbox" name="initiatives" value="{pk}" id="select-{pk}" '
            f'data-select-row> <label class="visually-hidden" for="select-{pk}">{esc(row.select_label)}</label></td>'
            f'<td class="text-nowrap"><a href="{esc(row.list_url)}">{esc(row.reference)}</a></td>'
            f"<td>{esc(row.title)}{new_reply if row.has_new_reply else ''}</td>"
            f'<td><a href="{esc(row.village_url)}">{esc(row.village_name)}</a>{municipality}</td>'
            f'<td><span class="badge status-badge status-{esc(row.status)}">{esc(row.status_label)}</span></td>'
            f"<td>{esc(row.submitted_text)}</td>"
            f"<td>{esc(row.first_response_due_text)}{first_response_badge}</td>"
            f"<td>{esc(row.decision_due_text)}{decision_overdue if row.is_decision_overdue else ''}</td>"
            f"<td>{esc(row.officer_name) if row.officer_name else not_assigned}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every text is escaped above
