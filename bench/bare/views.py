"""The bare insert views: the least Django needs to store an initiative (or a ballot) from the same POST.

No form, no validation beyond the database's, no reference sequence, no history, no mail, no
session, no CSRF check: one lookup of the village (for its municipality) and one INSERT. The
whole middleware stack still runs, as for every view of the product.
"""

import secrets

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from budgets.models import Ballot, VillageBudget, email_hash
from initiatives.models import Initiative
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
