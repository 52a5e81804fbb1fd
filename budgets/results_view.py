"""What a village's results page shows: a table and a chart of the same figures."""

from django.utils.translation import gettext as _

from budgets.models import Project
from core import charts


def results_context(round, village_budget) -> dict:
    projects = list(
        Project.objects.filter(village_budget=village_budget, votes__isnull=False)
        .select_related("initiative")
        .order_by("rank", "pk")
    )
    spent = sum((p.cost_estimate for p in projects if p.is_winner), start=0)
    chart = charts.horizontal_bar_chart(
        [(p.initiative.title, p.votes) for p in projects],
        title=_("Votes per project in %(village)s") % {"village": village_budget.village.name},
        chart_id="results-chart",
        description=_("The table with this chart gives the same figures."),
    )
    return {"projects": projects, "spent": spent, "left": village_budget.amount - spent, "chart": chart}
