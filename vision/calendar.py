"""Calendar files (RFC 5545) for meetings, written with icalendar.

The UID never changes for a meeting; SEQUENCE is `meeting.ical_sequence`, which the meeting
service raises when the meeting moves. A calendar that already holds the event replaces it
with the newer one instead of adding a second appointment. Times are written in UTC: every
calendar converts them to the reader's own time zone.
"""

from datetime import UTC
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from core.context_processors import platform_name

# What a mail attaches (EmailMessage.attach arguments). Django adds the charset itself.
ICS_FILENAME = "uitnodiging.ics"
ICS_MIMETYPE = "text/calendar; method={method}"


def meeting_uid(meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{meeting.ical_uid}@{host}"


def organizer_address() -> tuple[str, str]:
    """(name, address) of the platform's sender: the calendar's organizer."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or platform_name(), address or "noreply@localhost"


def meeting_ics(meeting, *, method: str = "REQUEST", attendees=(), organizer: tuple[str, str] | None = None) -> bytes:
    """The meeting as a calendar file, from its current data.

    `method` is REQUEST for an invitation (and its updates) and PUBLISH for a file someone
    downloads. `organizer` is a (name, email) pair, the facilitator for an invitation; without
    one the platform's sender organizes. `attendees` are (name, email) pairs written as ATTENDEE
    lines that ask for an answer (PARTSTAT=NEEDS-ACTION, RSVP=TRUE): the calendar then sends
    the member's yes or no to the organizer. An invitation names only its own recipient there,
    so no member sees the others' email addresses.
    """
    calendar = Calendar()
    calendar.add("prodid", f"-//{platform_name()}//Bijeenkomsten//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.ical_sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    name, address = organizer or organizer_address()
    organizer_line = vCalAddress(f"mailto:{address}")
    organizer_line.params["cn"] = vText(name)
    event.add("organizer", organizer_line)
    for attendee_name, attendee_email in attendees:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["cn"] = vText(attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def meeting_ics_attachment(meeting, *, attendees=(), organizer=None) -> tuple[str, bytes, str]:
    """An invitation's attachment: (filename, content, mimetype) as EmailMessage.attach takes it."""
    return (
        ICS_FILENAME,
        meeting_ics(meeting, method="REQUEST", attendees=attendees, organizer=organizer),
        ICS_MIMETYPE.format(method="REQUEST"),
    )
