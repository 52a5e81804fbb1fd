"""The public history of an initiative: what the initiator (and, published, anyone) may see."""

from dataclasses import dataclass
from datetime import datetime

from .constants import MessageKind


@dataclass
class Event:
    at: datetime
    kind: str  # status, message_in, message_out, decision, agreement
    obj: object


def public_timeline(initiative) -> list[Event]:
    """Status changes, messages to and from the initiator, decisions and agreements, oldest first.

    Internal notes never appear here. Uses the prefetched relations when present.
    """
    events = [Event(change.created_at, "status", change) for change in initiative.status_changes.all()]
    for message in initiative.messages.all():
        if message.kind == MessageKind.TO_INITIATOR:
            events.append(Event(message.created_at, "message_out", message))
        elif message.kind == MessageKind.FROM_INITIATOR:
            events.append(Event(message.created_at, "message_in", message))
    events += [Event(decision.decided_at, "decision", decision) for decision in initiative.decisions.all()]
    events += [Event(agreement.created_at, "agreement", agreement) for agreement in initiative.agreements.all()]
    return sorted(events, key=lambda event: event.at)
