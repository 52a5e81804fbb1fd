"""The DKK facilitator's journey in Chromium: log in, see the overview, complete the progress
group, schedule a meeting and invite everyone (the invitation mail carries the calendar file),
publish the minutes of an earlier meeting with an action item, open the nulmeting, let one
member answer through their personal link without an account, and read the results of an
eenmeting as a chart with a table beside it; then open the association's report for the board
and download it as a PDF. Then the member she added logs in with an account of her own: she
reads the trajectory, the minutes and the results, but sees no steering control, no other
member's contact data (issue 12) and no report. axe-core runs on every page; screenshots land in
var/screenshots/.

Elements are found by id, name, CSS, data attribute or URL, never by visible text: the UI's
words are being translated."""

import email
import email.policy
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from accounts.services import enrolment_link_issue
from tests.municipalities.factories import MunicipalityFactory, UserFactory
from tests.villages.factories import AssociationFactory
from tests.vision.factories import (
    AttendanceFactory,
    FacilitatorFactory,
    MeetingFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanInvitationFactory,
    ScanScoreFactory,
    TrajectoryFactory,
)
from vision.calendar import meeting_uid
from vision.constants import MeetingKind, MemberCategory, RsvpAnswer, ScanItem, ScanKind, Stage
from vision.models import ActionItem, Meeting, ProgressGroupMember, Scan, ScanInvitation, Trajectory
from vision.services.scans import scan_close
from vision.services.trajectories import trajectory_ensure_stages

from .conftest import assert_accessible, set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "Procesbegeleider-2026!"
DESKTOP = {"width": 1280, "height": 900}

MISSING = MemberCategory.YOUNG_PEOPLE
MEETING_TITLE = "Tweede vergadering voortgangsgroep"
MEETING_PLACE = "Dorpshuis De Schakel, Kerkstraat 1, Ermelo"
MEETING_AGENDA = "1. Opening\n2. Cases uit de dorpen\n3. Planning Vliegwiel-bijeenkomst"
MINUTES = "De voortgangsgroep besprak drie cases. Iedereen herkent de rol 'loslaten'."
ACTION = "Drie dorpsraden uitnodigen voor de Vliegwiel-bijeenkomst"


@dataclass
class Ermelo:
    facilitator: object
    trajectory: Trajectory
    members: list[ProgressGroupMember]
    held_meeting: Meeting  # three days ago: its minutes can be written


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mail.FilePerMessageBackend"  # the default without a mail server
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return Path(settings.EMAIL_FILE_PATH)


@pytest.fixture
def ermelo():
    association = AssociationFactory(name="DKK Gelderland", short_name="DKK", province="Gelderland")
    municipality = MunicipalityFactory(name="Ermelo", slug="ermelo", supporting_association=association)
    facilitator = FacilitatorFactory(
        association=association,
        user__username="mirjam",
        user__first_name="Mirjam",
        user__last_name="Kok",
        user__email="mirjam@dkkgelderland.nl",
    )
    facilitator.user.set_password(PASSWORD)
    facilitator.user.save()
    trajectory = TrajectoryFactory(
        municipality=municipality,
        title="Verdiepingsslag Overheidsparticipatie Ermelo",
        facilitator=facilitator,
        current_stage=Stage.PROGRESS_GROUP,
        started_on=timezone.localdate() - timedelta(days=120),
    )
    trajectory_ensure_stages(trajectory=trajectory)
    joined = timezone.localdate() - timedelta(days=60)
    members = [
        ProgressGroupMemberFactory(
            trajectory=trajectory,
            category=category,
            name=f"Lid {number}",
            email=f"lid{number}@example.nl",
            joined_on=joined,
        )
        for number, category in enumerate(MemberCategory, 1)
        if category != MISSING
    ]
    starts_at = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)
    held_meeting = MeetingFactory(
        trajectory=trajectory,
        title="Eerste vergadering voortgangsgroep",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    for member in members:
        AttendanceFactory(meeting=held_meeting, member=member)
    return Ermelo(facilitator, trajectory, members, held_meeting)


def own_context(browser, live_server, page_problems):
    """A second browser (no cookies of the first) that, like the `page` fixture, may only talk to
    the site itself and reports script errors and failed resources."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="nl-NL", reduced_motion="reduce")
    context.set_default_timeout(10_000)
    own_origin = urlsplit(live_server.url)[:2]

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlsplit(url)[:2] == own_origin:
            route.continue_()
        else:
            page_problems.foreign_requests.append(url)
            route.abort("blockedbyclient")

    def on_response(response):
        if response.request.resource_type != "document" and response.status >= 400:
            page_problems.failed_resources.append(f"{response.status} {response.url}")

    context.route("**/*", guard)
    context.on("page", lambda new: new.on("pageerror", lambda error: page_problems.page_errors.append(str(error))))
    context.on("page", lambda new: new.on("response", on_response))
    return context


def post_form_actions(page) -> list[str]:
    return page.locator("main form[method=post]").evaluate_all("forms => forms.map(f => f.getAttribute('action'))")


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"facilitator-{name}.png"), full_page=True)


def submit(page, form_selector):
    """Click the form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def follow(page, link_selector):
    with page.expect_navigation():
        page.locator(link_selector).first.click()


def success_message(page):
    return page.locator(".site-messages [role=status]")


def read_mails(mail_dir: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw.strip(), policy=email.policy.default))
    return messages


def calendar_attachments(message) -> list[str]:
    return [part.get_content() for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]


def plain_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_facilitator_completes_the_group_meets_and_scans(browser, live_server, page, page_problems, ermelo, mail_dir):
    trajectory = ermelo.trajectory
    trajectory_url = reverse("vision:trajectory_detail", args=[trajectory.pk])
    page.set_viewport_size(DESKTOP)
    # Bootstrap then drops its colour transitions: axe never measures a button halfway through
    # fading into its hover colour (the mouse stays where Playwright last clicked).
    page.emulate_media(reduced_motion="reduce")

    # Her account is new: the admin's enrolment link arrives by mail. She opens it, logs in with
    # her password, sets up an authenticator app (typing the key, not scanning) and sees her
    # recovery codes; then the overview shows the trajectory, its progress group not complete.
    enrolment_link_issue(user=ermelo.facilitator.user, actor=None)
    (welcome,) = [m for m in read_mails(mail_dir) if "/account/verificatie/inschrijven/" in plain_body(m)]
    assert welcome["To"] == "mirjam@dkkgelderland.nl"
    link = re.search(r"https?://\S+/account/verificatie/inschrijven/\S+/", plain_body(welcome)).group(0)
    page.goto(f"{urlsplit(link).path}?next={reverse('vision:trajectory_list')}")
    page.locator("#id_username").fill("mirjam")
    page.locator("#id_password").fill(PASSWORD)
    submit(page, "main form")
    codes = set_up_app(page, check=assert_accessible)
    assert len(codes) == 10
    assert urlsplit(page.url).path == reverse("vision:trajectory_list")
    card = page.locator(f'#trajectory-list article[data-trajectory="{trajectory.pk}"]')
    assert page.locator("#trajectory-list article[data-trajectory]").count() == 1
    assert card.locator("[data-group-complete=no]").count() == 1
    assert card.locator("[data-read-only]").count() == 0
    assert_accessible(page)
    shot(page, "1-overview")

    # The trajectory: one category is missing from the progress group.
    follow(page, f'#trajectory-list a[href="{trajectory_url}"]')
    assert urlsplit(page.url).path == trajectory_url
    missing = page.locator("#missing-categories li[data-missing]")
    assert missing.count() == 1
    assert missing.get_attribute("data-missing") == MISSING.value
    assert page.locator("#stages li[data-stage]").count() == len(Stage)
    assert page.locator(f'#stages li[data-stage="{Stage.PROGRESS_GROUP.value}"][data-status=in_progress]').count() == 1
    assert_accessible(page)

    # Add a young member through the member form (folded away until opened).
    page.locator("#member-form summary").click()
    page.locator("#id_member-name").fill("Sanne Jongeling")
    page.locator("#id_member-category").select_option(MISSING.value)
    page.locator("#id_member-organisation").fill("Jongerenraad Ermelo")
    page.locator("#id_member-email").fill("sanne@example.nl")
    assert_accessible(page)
    submit(page, "#member-form form")
    assert urlsplit(page.url).path == trajectory_url and page.url.endswith("#progress-group")
    assert success_message(page).is_visible()
    sanne = ProgressGroupMember.objects.get(trajectory=trajectory, email="sanne@example.nl")
    assert (sanne.category, sanne.left_on) == (MISSING, None)
    assert page.locator(f'#progress-group tr[data-member="{sanne.pk}"]').count() == 1
    assert page.locator("#missing-categories").count() == 0
    assert page.locator("#group-complete").is_visible()
    assert_accessible(page)
    shot(page, "2-trajectory")

    # Schedule a progress-group meeting in ten days.
    follow(page, f'#meetings a[href="{reverse("vision:meeting_create", args=[trajectory.pk])}"]')
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=10)
    page.locator(f"input[name=kind][value={MeetingKind.PROGRESS_GROUP.value}]").check()
    page.locator("#id_title").fill(MEETING_TITLE)
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_start_time").fill("19:30")
    page.locator("#id_end_time").fill("21:30")
    page.locator("#id_location").fill(MEETING_PLACE)
    page.locator("#id_agenda").fill(MEETING_AGENDA)
    submit(page, "main form[method=post]")
    meeting = Meeting.objects.get(trajectory=trajectory, title=MEETING_TITLE)
    assert (meeting.kind, meeting.location) == (MeetingKind.PROGRESS_GROUP, MEETING_PLACE)
    assert timezone.localtime(meeting.starts_at).date() == day
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "19:30"
    invite_url = reverse("vision:meeting_invite", args=[trajectory.pk, meeting.pk])
    assert urlsplit(page.url).path == invite_url

    # Every active member with an email address is ticked: invite them all.
    boxes = page.locator("input[name=members]")
    assert boxes.count() == len(ermelo.members) + 1
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    assert_accessible(page)
    submit(page, "main form[method=post]")
    assert urlsplit(page.url).path == reverse("vision:meeting_detail", args=[trajectory.pk, meeting.pk])
    assert success_message(page).is_visible()
    assert page.locator("#invited table tbody tr").count() == len(ermelo.members) + 1
    assert_accessible(page)

    # The invitations, read from the mail files: one per member, each with the meeting as a
    # calendar file (long lines unfolded, RFC 5545).
    uid = meeting_uid(meeting)
    invitations = {}
    for message in read_mails(mail_dir):
        for ics in calendar_attachments(message):
            ics = ics.replace("\r\n ", "").replace("\n ", "")
            if f"UID:{uid}" in ics:
                invitations.setdefault(message["To"], []).append(ics)
    assert sorted(invitations) == sorted([m.email for m in ermelo.members] + ["sanne@example.nl"])
    assert all(len(files) == 1 for files in invitations.values())
    (ics,) = invitations["sanne@example.nl"]
    assert "BEGIN:VEVENT" in ics and "METHOD:REQUEST" in ics
    assert "mailto:sanne@example.nl" in ics.lower()

    # Sanne answers "yes" through the link in her invitation, in a browser of her own and
    # without an account; the facilitator's meeting page then shows her answer (issue 13).
    (invitation_mail,) = [m for m in read_mails(mail_dir) if m["To"] == "sanne@example.nl" and calendar_attachments(m)]
    yes_link = re.search(r"https?://\S+/trajecten/bijeenkomst/[\w:-]+/\?antwoord=ja", plain_body(invitation_mail))
    assert yes_link, plain_body(invitation_mail)
    context = own_context(browser, live_server, page_problems)
    try:
        member_page = context.new_page()
        member_page.goto(yes_link.group(0).replace(settings.SITE_URL, live_server.url))
        assert_accessible(member_page)
        submit(member_page, "main form[method=post]")
        assert success_message(member_page).is_visible()
        with translation.override("nl"):
            yes = str(RsvpAnswer.YES.label)
        assert yes in member_page.locator("#rsvp-current").inner_text()
        assert_accessible(member_page)
    finally:
        context.close()
    page.goto(reverse("vision:meeting_detail", args=[trajectory.pk, meeting.pk]))
    assert page.locator(f"#rsvp-{sanne.pk}").inner_text().strip() == yes

    # Minutes of the meeting held three days ago, and an action item for Sanne.
    held = ermelo.held_meeting
    held_url = reverse("vision:meeting_detail", args=[trajectory.pk, held.pk])
    page.goto(held_url)
    assert_accessible(page)
    minutes_link = f'main a[href="{reverse("vision:meeting_minutes", args=[trajectory.pk, held.pk])}"]'
    follow(page, minutes_link)
    assert_accessible(page)
    # First a draft: only she sees it, nobody gets a mail (issue 13).
    page.locator("#id_minutes").fill(MINUTES)
    with page.expect_navigation():
        page.locator("main form[method=post] button[value=draft]").click()
    assert urlsplit(page.url).path == held_url and page.url.endswith("#minutes")
    assert MINUTES in page.locator("#minutes-draft").inner_text()
    held.refresh_from_db()
    assert (held.minutes_draft, held.minutes_published_at) == (MINUTES, None)
    assert_accessible(page)
    # Then she publishes and mails it.
    follow(page, minutes_link)
    assert page.locator("#minutes-draft-state").is_visible()
    assert page.locator("#id_minutes").input_value() == MINUTES
    with page.expect_navigation():
        page.locator("main form[method=post] button[value=publish]").click()
    assert urlsplit(page.url).path == held_url and page.url.endswith("#minutes")
    assert success_message(page).is_visible()
    assert MINUTES in page.locator("#minutes").inner_text()
    held.refresh_from_db()
    assert held.minutes_published_at is not None

    due = timezone.localdate() + timedelta(days=21)
    page.locator("#id_description").fill(ACTION)
    page.locator("#id_owner").select_option(str(sanne.pk))
    page.locator("#id_due_date").fill(due.isoformat())
    submit(page, f'form[action="{reverse("vision:action_item_add", args=[trajectory.pk, held.pk])}"]')
    assert page.url.endswith("#actions")
    item = ActionItem.objects.get(trajectory=trajectory)
    assert (item.description, item.owner, item.due_date, item.meeting, item.done) == (ACTION, sanne, due, held, False)
    rows = page.locator("#actions table tbody tr")
    assert rows.count() == 1
    assert ACTION in rows.inner_text() and sanne.name in rows.inner_text()
    assert_accessible(page)

    # The action-item list of the trajectory shows it, with its owner and due date.
    follow(page, f'#actions a[href="{reverse("vision:action_item_list", args=[trajectory.pk])}"]')
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert ACTION in rows.inner_text() and sanne.name in rows.inner_text()
    assert rows.locator(f'time[datetime="{due.isoformat()}"]').count() == 1
    assert_accessible(page)

    # Open the nulmeting from the scans page: every member but the facilitator gets a link.
    page.goto(trajectory_url)
    follow(page, f'#vision a[href="{reverse("vision:scan_list", args=[trajectory.pk])}"]')
    assert page.locator(f"input[name=open-kind][value={ScanKind.BASELINE.value}]").is_checked()
    assert_accessible(page)
    submit(page, f'form[action="{reverse("vision:scan_open", args=[trajectory.pk])}"]')
    baseline = Scan.objects.get(trajectory=trajectory, kind=ScanKind.BASELINE)
    baseline_url = reverse("vision:scan_detail", args=[trajectory.pk, baseline.pk])
    assert urlsplit(page.url).path == baseline_url
    assert success_message(page).is_visible()
    invited = len(ermelo.members)  # the members plus Sanne, minus the facilitator
    assert baseline.invitations.count() == invited
    assert page.locator("#members table tbody tr").count() == invited
    assert_accessible(page)

    # Sanne's personal link, from her scan mail.
    scan_mails = [m for m in read_mails(mail_dir) if "sanne@example.nl" in m["To"] and "/scan/" in plain_body(m)]
    assert len(scan_mails) == 1
    link = re.search(r"https?://\S+/trajecten/scan/[\w-]+/", plain_body(scan_mails[0])).group(0)
    link = link.replace(settings.SITE_URL, live_server.url)

    # Sanne answers in a browser of her own, without an account: all ten items.
    context = own_context(browser, live_server, page_problems)
    try:
        member_page = context.new_page()
        assert context.cookies() == []  # no session: the link is the only key
        member_page.goto(link)
        assert member_page.locator("main fieldset").count() == len(ScanItem)
        assert_accessible(member_page)
        for number, item in enumerate(ScanItem):
            member_page.locator(f"input[name=score_{item.value}][value='{number % 5 + 1}']").check()
        member_page.locator(f"#id_comment_{ScanItem.LET_GO.value}").fill("De gemeente laat al meer los.")
        submit(member_page, "main form[method=post]")
        member_page.wait_for_url("**/bedankt/")
        assert member_page.locator("main [role=status]").is_visible()
        assert_accessible(member_page)

        # The same link again: the "already answered" page, without the form.
        member_page.goto(link)
        assert urlsplit(member_page.url).path == urlsplit(link).path
        assert member_page.locator("main h1").is_visible()
        assert member_page.locator("main form, main input[type=radio]").count() == 0
        assert_accessible(member_page)
    finally:
        context.close()
    invitation = ScanInvitation.objects.get(scan=baseline, member=sanne)
    assert invitation.used_at is not None and baseline.scores.count() == len(ScanItem)
    baseline.refresh_from_db()
    assert baseline.closed_on is None  # so the page above was "answered", not "closed"

    # Back as facilitator: one answer per item, nobody said "don't know", and its bar chart.
    page.goto(baseline_url)
    answers = page.locator("#results table tbody tr td:nth-last-child(2)")
    assert answers.count() == len(ScanItem)
    assert set(answers.all_inner_texts()) == {"1"}
    assert set(page.locator("#results table tbody tr td:last-child").all_inner_texts()) == {"0"}
    assert page.locator("#results svg[role=img]").count() == 1
    assert_accessible(page)

    # Close the nulmeting; an eenmeting with three answers compares against it.
    scan_close(scan=baseline, actor=ermelo.facilitator.user)
    follow_up = ScanFactory(trajectory=trajectory, kind=ScanKind.FOLLOW_UP, opened_on=timezone.localdate())
    for offset, member in enumerate(ermelo.members[1:4]):
        ScanInvitationFactory(scan=follow_up, member=member, used_at=timezone.now())
        for number, item in enumerate(ScanItem):
            ScanScoreFactory(scan=follow_up, category=member.category, item=item.value, score=(number + offset) % 5 + 1)
    page.goto(reverse("vision:scan_detail", args=[trajectory.pk, follow_up.pk]))
    results = page.locator("#results")
    assert results.locator("svg[role=img]").count() == 1
    assert results.locator("svg title").count() >= 1
    assert results.locator("table tbody tr").count() == len(ScanItem)
    assert set(results.locator("table tbody tr td:nth-last-child(2)").all_inner_texts()) == {"3"}
    comparison = page.locator("#comparison")
    assert comparison.locator("svg[role=img]").count() == 1
    assert comparison.locator("table tbody tr").count() == len(ScanItem)
    assert_accessible(page)
    shot(page, "3-scan")

    # The report for the association's board, from the overview: one row for Ermelo, with the
    # overdue-free action item and the scans; the wide table scrolls in its own region, not the
    # page. She downloads it as a PDF.
    page.goto(reverse("vision:trajectory_list"))
    follow(page, "#association-report-link")
    assert urlsplit(page.url).path == reverse("vision:association_report")
    row = page.locator(f'#report-trajectories tr[data-trajectory="{trajectory.pk}"]')
    assert page.locator("#report-trajectories tbody tr").count() == 1
    assert row.locator('[data-column="group"][data-group-complete=yes]').count() == 1
    assert row.locator('[data-column="actions"][data-open="1"][data-overdue="0"]').count() == 1
    assert row.locator('[data-column="meetings"][data-held="1"]').count() == 1
    assert page.locator(".table-responsive[role=region][tabindex='0'][aria-label]").count() >= 1
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    shot(page, "3b-report")
    with page.expect_download() as download_info:
        page.locator("#report-pdf").click()
    download = download_info.value
    assert re.fullmatch(r"dkk-rapportage-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ermelo" in text and "DKK Gelderland" in text

    # Sanne gets an account of her own (an admin links it to her membership). She signs in with
    # her password only: a member does not steer, so no second step. She reads the trajectory,
    # the minutes and the results, and sees no steering control and no one's email or phone.
    sanne_user = UserFactory(username="sanne", first_name="Sanne", last_name="Jongeling", email="sanne@example.nl")
    sanne_user.set_password(PASSWORD)
    sanne_user.save(update_fields=["password"])
    ProgressGroupMember.objects.filter(pk=sanne.pk).update(user=sanne_user)
    context = own_context(browser, live_server, page_problems)
    try:
        member_page = context.new_page()
        member_page.goto(f"/accounts/login/?next={reverse('vision:trajectory_list')}")
        member_page.locator("#id_username").fill("sanne")
        member_page.locator("#id_password").fill(PASSWORD)
        submit(member_page, "main form")
        assert urlsplit(member_page.url).path == reverse("vision:trajectory_list")
        card = member_page.locator(f'#trajectory-list article[data-trajectory="{trajectory.pk}"]')
        assert card.locator("[data-member]").count() == 1
        assert member_page.locator("#association-report-link").count() == 0  # the board's report is not hers
        assert_accessible(member_page)

        follow(member_page, f'#trajectory-list a[href="{trajectory_url}"]')
        assert member_page.locator("#member-notice").is_visible()
        # Her one form on the page: add a case. No stage to complete, no deliverable to tick, no
        # member to add, change or remove, no meeting to plan.
        assert post_form_actions(member_page) == [reverse("vision:case_add", args=[trajectory.pk])]
        assert member_page.locator("#member-form, #stages form, #progress-group form").count() == 0
        assert member_page.locator(f'a[href="{reverse("vision:meeting_create", args=[trajectory.pk])}"]').count() == 0
        assert member_page.locator("#progress-group a[href^='mailto:']").count() == 0
        assert "lid1@example.nl" not in member_page.locator("#progress-group").inner_text()
        assert member_page.locator(f'#progress-group tr[data-member="{sanne.pk}"]').count() == 1
        assert_accessible(member_page)
        shot(member_page, "4-member")

        # The minutes and the action item of the held meeting. The item is hers: she may close
        # it (issue 13), but nothing else on the page is hers to change.
        member_page.goto(held_url)
        own_item = reverse("vision:action_item_done", args=[trajectory.pk, ActionItem.objects.get(owner=sanne).pk])
        assert MINUTES in member_page.locator("#minutes").inner_text()
        assert ACTION in member_page.locator("#actions").inner_text()
        assert post_form_actions(member_page) == [own_item]
        assert_accessible(member_page)

        # The results of the eenmeting, chart and table, and the comparison; nothing to close.
        member_page.goto(reverse("vision:scan_detail", args=[trajectory.pk, follow_up.pk]))
        assert member_page.locator("#results svg[role=img]").count() == 1
        assert member_page.locator("#results table tbody tr").count() == len(ScanItem)
        assert member_page.locator("#comparison svg[role=img]").count() == 1
        assert post_form_actions(member_page) == []
        assert_accessible(member_page)
        shot(member_page, "5-member-scan")
    finally:
        context.close()
