"""`{% dashboard_rows initiatives %}`: the rows of the officers' list, written in Python.

One row of the list was some twenty template nodes, so rendering 25 rows was the largest part
of the dashboard's rendering (bench/results/triage_list_profile.md). The markup is the same as
the template's was; the texts and links come from `DashboardView._rows`.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

ROW = (
    '<tr data-initiative="{pk}">'
    '<td><input class="form-check-input" type="checkbox" name="initiatives" value="{pk}" id="select-{pk}" '
    'data-select-row> <label class="visually-hidden" for="select-{pk}">{select_label}</label></td>'
    '<td class="text-nowrap"><a href="{list_url}">{reference}</a></td>'
    "<td>{title}{new_reply}</td>"
    '<td><a href="{village_url}">{village}</a>{municipality}</td>'
    '<td><span class="badge status-badge status-{status}">{status_label}</span></td>'
    "<td>{submitted}</td>"
    "<td>{first_response_due}{first_response_overdue}</td>"
    "<td>{decision_due}{decision_overdue}</td>"
    "<td>{officer}</td>"
    "</tr>\n"
)
OVERDUE = (
    '<span class="badge bg-danger-subtle text-danger-emphasis border border-danger d-block mt-1" '
    'data-overdue="{}">{}</span>'
)


@register.simple_tag(takes_context=True)
def dashboard_rows(context, rows):
    """Every row of the page; with the municipality under the village when the list has several."""
    new_reply = format_html(
        ' <span class="badge bg-info-subtle text-info-emphasis border border-info" data-new-reply>{}</span>',
        context["new_reply_text"],
    )
    first_response_overdue = format_html(OVERDUE, "first_response", context["overdue_text"])
    decision_overdue = format_html(OVERDUE, "decision", context["overdue_text"])
    not_assigned = format_html('<span class="fst-italic">{}</span>', context["not_assigned_text"])
    several_municipalities = not context.get("municipality")
    html = []
    for row in rows:
        municipality = ""
        if several_municipalities:
            municipality = format_html('<span class="d-block small">{}</span>', row.municipality_name)
        html.append(
            format_html(
                ROW,
                pk=row.pk,
                select_label=row.select_label,
                list_url=row.list_url,
                reference=row.reference,
                title=row.title,
                new_reply=new_reply if row.has_new_reply else "",
                village_url=row.village_url,
                village=row.village_name,
                municipality=municipality,
                status=row.status,
                status_label=row.status_label,
                submitted=row.submitted_text,
                first_response_due=row.first_response_due_text,
                first_response_overdue=first_response_overdue if row.is_first_response_overdue else "",
                decision_due=row.decision_due_text,
                decision_overdue=decision_overdue if row.is_decision_overdue else "",
                officer=row.officer_name or not_assigned,
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every row is format_html's, its values escaped
