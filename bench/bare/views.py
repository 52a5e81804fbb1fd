"""Bench-only views: the least Django needs for the same work, to measure the product against.

- `bare_insert` (bench/server.py): store an initiative from the public form's POST. No form, no
  validation beyond the database's, no reference sequence, no history, no mail, no session, no
  CSRF check: one lookup of the village (for its municipality) and one INSERT.
- `bare_ballot` (bench/server.py --variant ballots): store a ballot row from the ballot form's
  POST, one lookup and one INSERT.
- `EmptyStaffPage` (bench/triage_list.py): an officer's page with nothing on it. The same base
  template as the dashboard, signed in, through the same access check (`OfficerRequiredMixin`,
  which loads the officer's memberships) and `never_cache`: what every officer's page costs
  before it shows anything, the denominator of "the list costs little more than the page it
  stands on".

The whole middleware stack still runs, as for every view of the product.
"""

import secrets
from functools import cache

from django.http import HttpResponse
from django.template import engines
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from budgets.models import Ballot, VillageBudget, email_hash
from initiatives.models import Initiative
from municipalities.access import OfficerRequiredMixin
from villages.models import Village


@csrf_exempt
@require_POST
def bare_insert(request):
    post = request.POST
    village = Village.objects.only("pk", "municipality_id").get(pk=post["village"])
    Initiative.objects.create(
        reference=f"B{secrets.token_urlsafe(8)}",  # 12 characters, unique enough for a bench
        title=post["title"],
        goal=post["goal"],
        description=post["description"],
        village=village,
        municipality_id=village.municipality_id,
        initiator_name=post["initiator_name"],
        initiator_email=post["initiator_email"],
    )
    return HttpResponse(status=201)


@csrf_exempt
@require_POST
def bare_ballot(request, pk, village):
    """The least Django needs to store a ballot from the ballot form's POST: one lookup of the
    village's budget in the round, one INSERT of the ballot row. No form, no choices, no check
    of the round's phase or budget, no confirmation mail, no rate limit, no CSRF check."""
    village_budget = VillageBudget.objects.only("pk", "round_id").get(pk=village, round_id=pk)
    email = request.POST["email"]
    Ballot.objects.create(
        round_id=village_budget.round_id, village_budget=village_budget, email=email, email_hash=email_hash(email)
    )
    return HttpResponse(status=201)


@cache
def _empty_page():
    """base.html with an empty content block (compiled once, as the cached template loader does)."""
    return engines["django"].from_string('{% extends "base.html" %}{% block page_title %}Bench – {% endblock %}')


@method_decorator(never_cache, name="dispatch")
class EmptyStaffPage(OfficerRequiredMixin, View):
    def get(self, request):
        membership = self.membership
        # What the dashboard hands its header too (the municipality's name, the membership).
        context = {
            "municipality": membership.municipality if membership else None,
            "officer_membership": membership,
        }
        return HttpResponse(_empty_page().render(context, request))
