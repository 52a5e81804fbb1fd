"""The history of an initiative: the public one (initiator and, published, anyone) and the
officer's one (everything, internal notes and mails included)."""

from dataclasses import dataclass
from datetime import datetime

from initiatives.constants import MessageKind


@dataclass
class Event:
    at: datetime
    # status, role, message_in, message_out, note, decision, agreement, forwarded, duplicate,
    # duplicate_in (officers only: another initiative was marked as a duplicate of this one),
    # proposal and proposal_review (officers only: a decision above the mandate), mails
    kind: str
    obj: object  # the row; for "mails" the list of mails, newest first


MESSAGE_EVENT_KINDS = {
    MessageKind.TO_INITIATOR: "message_out",
    MessageKind.FROM_INITIATOR: "message_in",
    MessageKind.INTERNAL_NOTE: "note",
}


def _events(initiative, *, internal: bool) -> list[Event]:
    events = [Event(change.created_at, "status", change) for change in initiative.status_changes.all()]
    for message in initiative.messages.all():
        if internal or message.kind != MessageKind.INTERNAL_NOTE:
            events.append(Event(message.created_at, MESSAGE_EVENT_KINDS[message.kind], message))
    events += [Event(decision.decided_at, "decision", decision) for decision in initiative.decisions.all()]
    events += [Event(agreement.created_at, "agreement", agreement) for agreement in initiative.agreements.all()]
    events += [Event(change.created_at, "role", change) for change in initiative.role_changes.all()]
    events += [Event(forwarding.created_at, "forwarded", forwarding) for forwarding in initiative.forwardings.all()]
    events += [Event(change.created_at, "duplicate", change) for change in initiative.duplicate_changes.all()]
    if internal:
        events += [
            Event(change.created_at, "duplicate_in", change)
            for change in initiative.duplicate_changes_as_original.all()
        ]
        # Proposals above the mandate are internal: the initiator hears only the decision.
        for proposal in initiative.proposals.all():
            events.append(Event(proposal.proposed_at, "proposal", proposal))
            if proposal.reviewed_at is not None:
                events.append(Event(proposal.reviewed_at, "proposal_review", proposal))
    return events


def public_timeline(initiative) -> list[Event]:
    """Status changes, messages to and from the initiator, decisions and agreements, newest first
    (as the officer's history: the initiator looks for what is new).

    Internal notes never appear here. Uses the prefetched relations when present.
    """
    return sorted(_events(initiative, internal=False), key=lambda event: event.at, reverse=True)


def officer_timeline(initiative) -> list[Event]:
    """Everything that happened, newest first: the public events, internal notes (kind "note")
    and the mails the platform queued or sent about the initiative. Mails that follow each other
    with nothing else in between are folded into one event (kind "mails", the list newest
    first), so the history reads as the conversation and the mails stay one click away.

    Proposals of a decision above the mandate (kind "proposal", and "proposal_review" when a
    coordinator or the proposer handled it) appear here only.

    Uses the prefetched relations (`status_changes`, `role_changes`, `messages`, `decisions`,
    `agreements`, `forwardings`, `duplicate_changes`, `duplicate_changes_as_original`, `proposals`,
    `mails`), so a page that prefetches them runs in a fixed number of queries.
    """
    events = _events(initiative, internal=True)
    events += [Event(mail.created_at, "mail", mail) for mail in initiative.mails.all()]
    folded: list[Event] = []
    for event in sorted(events, key=lambda event: event.at, reverse=True):
        if event.kind != "mail":
            folded.append(event)
        elif folded and folded[-1].kind == "mails":
            folded[-1].obj.append(event.obj)
        else:
            folded.append(Event(event.at, "mails", [event.obj]))
    return folded
