"""The audit log rows about initiatives, in words (registered with audit.describe in
InitiativesConfig.ready): whole initiative names, people's and funds' names instead of ids,
labels instead of stored values. A fixed number of queries for a page of rows."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.describe import parse_change, parse_pairs, register
from core.formats import money
from initiatives.constants import DecisionOutcome, MunicipalRole, Publication, Status
from initiatives.models import Agreement, Attachment, Decision, DecisionProposal, Grant, Initiative, Message, Support
from municipalities.models import Fund, Municipality

# Rows about a part of an initiative name the initiative.
PARTS = {
    "initiatives.grant": Grant,
    "initiatives.decision": Decision,
    "initiatives.decisionproposal": DecisionProposal,
    "initiatives.agreement": Agreement,
    "initiatives.message": Message,
    "initiatives.attachment": Attachment,
    "initiatives.support": Support,
}


# Rows whose detail is "fund=3 amount=1800.00": shown as "€ 1.800,00 from <fund>".
MONEY_ACTIONS = (AuditAction.GRANT_COMMIT, AuditAction.DECISION_PROPOSE, AuditAction.DECISION_APPROVE)


def _ids(values) -> set[int]:
    return {int(value) for value in values if str(value).isdigit()}


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


@register
def describe_initiative_entries(entries) -> None:
    by_type = defaultdict(list)
    for entry in entries:
        by_type[entry.object_type].append(entry)
    _name_objects(by_type)
    _describe_details([entry for entry in entries if entry.object_type.startswith("initiatives.")])
    _describe_linked_initiatives([entry for entry in entries if entry.action == AuditAction.VILLAGE_PLAN_ACTION_LINK])


def _describe_linked_initiatives(entries) -> None:
    """A village plan action linked to an initiative ("initiative=12"): name the initiative."""
    ids = {entry.pk: parse_pairs(entry.detail).get("initiative", "") for entry in entries}
    initiatives = {
        str(initiative.pk): initiative
        for initiative in Initiative.objects.filter(pk__in=_ids(ids.values())).only("reference", "title")
    }
    for entry in entries:
        initiative = initiatives.get(ids[entry.pk])
        if initiative is not None:
            entry.detail_text = _("linked to %(initiative)s") % {"initiative": initiative}


def _name_objects(by_type) -> None:
    """The object column names the initiative, whole and as it is now."""
    initiative_of = {}  # (object_type, object_id) -> initiative
    ids = _ids(entry.object_id for entry in by_type.get("initiatives.initiative", ()))
    for initiative in Initiative.objects.filter(pk__in=ids).only("reference", "title"):
        initiative_of["initiatives.initiative", str(initiative.pk)] = initiative
    for object_type, model in PARTS.items():
        ids = _ids(entry.object_id for entry in by_type.get(object_type, ()))
        if ids:
            for part in (
                model.objects.filter(pk__in=ids)
                .select_related("initiative")
                .only("initiative__reference", "initiative__title")
            ):
                initiative_of[object_type, str(part.pk)] = part.initiative
    for (object_type, object_id), initiative in initiative_of.items():
        for entry in by_type[object_type]:
            if entry.object_id == object_id:
                entry.object_text = str(initiative)


def _describe_details(entries) -> None:
    pairs = {entry.pk: parse_pairs(entry.detail) for entry in entries}
    users = _ids(pairs[entry.pk].get("officer") for entry in entries if entry.action == AuditAction.INITIATIVE_ASSIGN)
    names = {
        user.pk: user.get_full_name() or user.get_username() for user in get_user_model().objects.filter(pk__in=users)
    }
    funds = _ids(pairs[entry.pk].get("fund") for entry in entries if entry.action in MONEY_ACTIONS)
    fund_names = {fund.pk: f"{fund.name} {fund.year}" for fund in Fund.objects.filter(pk__in=funds)}
    duplicate_actions = (AuditAction.INITIATIVE_DUPLICATE, AuditAction.INITIATIVE_DUPLICATE_UNDO)
    originals = _ids(pairs[entry.pk].get("original") for entry in entries if entry.action in duplicate_actions)
    original_names = {
        initiative.pk: str(initiative)
        for initiative in Initiative.objects.filter(pk__in=originals).only("reference", "title")
    }
    forwards = [pairs[entry.pk] for entry in entries if entry.action == AuditAction.INITIATIVE_FORWARD]
    municipality_names = dict(
        Municipality.objects.filter(
            pk__in=_ids(pair.get(key) for pair in forwards for key in ("from", "to"))
        ).values_list("pk", "name")
    )

    for entry in entries:
        detail, action = entry.detail, entry.action
        if action == AuditAction.INITIATIVE_ASSIGN and "officer" in pairs[entry.pk]:
            officer = pairs[entry.pk]["officer"]
            name = names.get(int(officer)) if officer.isdigit() else None
            entry.detail_text = _("assigned to %(name)s") % {"name": name or _("an officer who is no longer here")}
        elif action in MONEY_ACTIONS and "amount" in pairs[entry.pk]:
            fund = pairs[entry.pk].get("fund", "")
            try:
                amount = money(Decimal(pairs[entry.pk]["amount"]))
            except InvalidOperation:
                continue
            fund_name = fund_names.get(int(fund)) if fund.isdigit() else None
            entry.detail_text = _("%(amount)s from %(fund)s") % {
                "amount": amount,
                "fund": fund_name or _("a fund that is no longer here"),
            }
        elif action == AuditAction.INITIATIVE_STATUS and "->" in detail:
            entry.detail_text = _change_text(Status, detail)
        elif action in (AuditAction.PUBLICATION_APPROVE, AuditAction.PUBLICATION_HIDE):
            if "->" in detail:
                entry.detail_text = _change_text(Publication, detail)
            elif detail == "publish_without_review":
                entry.detail_text = _("the municipality publishes without review")
        elif action == AuditAction.INITIATIVE_DECIDE and detail:
            entry.detail_text = _label(DecisionOutcome, detail)
        elif action == AuditAction.INITIATIVE_ROLE and detail:
            entry.detail_text = _label(MunicipalRole, detail)
        elif action == AuditAction.INITIATIVE_ANONYMISE and pairs[entry.pk].get("retention_months", "").isdigit():
            entry.detail_text = _("after %(months)s months (retention period)") % {
                "months": pairs[entry.pk]["retention_months"]
            }
        elif action in duplicate_actions and pairs[entry.pk].get("original", "").isdigit():
            name = original_names.get(int(pairs[entry.pk]["original"])) or _("an initiative that is no longer here")
            text = _("duplicate of %(initiative)s") if action == AuditAction.INITIATIVE_DUPLICATE else None
            entry.detail_text = (text or _("no longer a duplicate of %(initiative)s")) % {"initiative": name}
        elif action == AuditAction.INITIATIVE_FORWARD and {"from", "to"} <= pairs[entry.pk].keys():
            names = [
                municipality_names.get(int(value)) if value.isdigit() else None
                for value in (pairs[entry.pk]["from"], pairs[entry.pk]["to"])
            ]
            gone = _("a municipality that is no longer here")
            entry.detail_text = _("from %(from)s to %(to)s") % {"from": names[0] or gone, "to": names[1] or gone}
        elif action == AuditAction.SUPPORT_REASON_HIDE:
            entry.detail_text = _("the reason of a supporter is no longer on the public page")
        elif action in (AuditAction.GRANT_WITHDRAW, AuditAction.DECISION_SEND_BACK) and detail:
            entry.detail_text = _("reason: %(reason)s") % {"reason": detail}


def _change_text(choices, detail: str) -> str:
    before, after = parse_change(detail)
    if not before:
        return _("to “%(after)s”") % {"after": _label(choices, after)}
    return _("from “%(before)s” to “%(after)s”") % {
        "before": _label(choices, before),
        "after": _label(choices, after),
    }
