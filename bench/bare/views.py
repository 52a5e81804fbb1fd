"""The bare insert view: the least Django needs to store an initiative from the same POST.

No form, no validation beyond the database's, no reference sequence, no history, no mail, no
session, no CSRF check: one lookup of the village (for its municipality) and one INSERT. The
whole middleware stack still runs, as for every view of the product.
"""

import secrets

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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
