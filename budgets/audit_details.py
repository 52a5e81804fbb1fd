"""The audit log rows about budget rounds, in words (registered with audit.describe)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.describe import parse_pairs, register
from budgets.constants import Feasibility
from core.formats import money


@register
def describe_budget_entries(entries) -> None:
    for entry in entries:
        pairs = parse_pairs(entry.detail)
        if entry.action == AuditAction.BUDGET_PROJECT_REVIEW:
            feasibility = entry.detail.split(" ", 1)[0]
            label = str(dict(Feasibility.choices).get(feasibility, feasibility))
            try:
                cost = Decimal(pairs.get("cost", "0"))
            except InvalidOperation:
                cost = Decimal(0)
            entry.detail_text = (
                _("%(feasibility)s, estimated at %(cost)s") % {"feasibility": label, "cost": money(cost)}
                if cost
                else label
            )
        elif entry.action == AuditAction.BUDGET_PAPER_CODES and pairs.get("count", "").isdigit():
            entry.detail_text = _("%(count)s codes (batch %(batch)s)") % {
                "count": pairs["count"],
                "batch": pairs.get("batch", "?"),
            }
        elif entry.action == AuditAction.BUDGET_RESULTS and "winners" in pairs:
            try:
                amount = money(Decimal(pairs.get("amount", "0")))
            except InvalidOperation:
                continue
            entry.detail_text = _("%(count)s projects chosen, %(amount)s in total") % {
                "count": pairs["winners"],
                "amount": amount,
            }
