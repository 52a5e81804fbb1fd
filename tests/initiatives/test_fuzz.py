"""Fuzzing the public forms and the private links: no input gives a 5xx, no stored text is
ever shown as markup (on the tracking page, the public gallery and detail, the officer page)."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiatives.constants import HelpKind
from initiatives.models import Initiative, Message
from initiatives.services.submission import tracking_token_issue
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.helpers import form_data
from tests.municipalities.factories import OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis directory left behind
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, IMG, f"{IMG}{SCRIPT}", "</textarea>" + SCRIPT, "'><svg onload=alert(1)>" + SCRIPT]
# What may never be in a page unescaped (the escaped forms, &lt;script&gt; ..., are fine).
RAW_MARKERS = [b"<script>alert(1)</script>", b"onerror=alert(1)>", b"<svg onload"]

TEXT_FIELDS = [
    "title",
    "goal",
    "description",
    "target_group",
    "own_contribution_materials",
    "support_evidence",
    "permits_needed",
    "maintenance_after",
    "initiator_name",
    "costs-0-description",
    "costs-1-description",
]
OTHER_FIELDS = [
    "amount_requested",
    "own_contribution_money",
    "own_contribution_hours",
    "planned_start",
    "costs-0-amount",
    "costs-1-amount",
    "costs-TOTAL_FORMS",
    "initiator_email",
    "initiator_phone",
    "preferred_language",
    "organisation",
    "themes",
    "keep_upload",
    "website",
]

any_text = st.one_of(
    st.text(max_size=40),  # every code point but surrogates: control characters, NUL, RTL marks ...
    st.sampled_from(PAYLOADS),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(60, 3000)),  # very long
    st.sampled_from(["", " ", "\x00", "\r\n", "-1", "1e400", "NaN", "Infinity", "9" * 40, "0x10", "٣٤٥"]),
)
# Text a field would usually accept, with markup in it: these are the values that get stored.
marked_text = st.builds(lambda p, s: f"{p} {s}".strip(), st.sampled_from(PAYLOADS), st.text(max_size=20))


def assert_escaped(response):
    assert response.status_code < 500
    for marker in RAW_MARKERS:
        assert marker not in response.content, (marker, response.request["PATH_INFO"])


@st.composite
def submissions(draw, village):
    """A valid post with markup in every text field; in half the examples, a few fields junk."""
    data = form_data(village)
    for field in TEXT_FIELDS:
        data[field] = draw(marked_text)
    if not draw(st.booleans()):
        return data
    for field in draw(st.sets(st.sampled_from([*TEXT_FIELDS, *OTHER_FIELDS]), min_size=1, max_size=4)):
        data[field] = draw(any_text)
    if draw(st.booleans()):
        data["village"] = draw(st.one_of(st.integers().map(str), any_text))
    if draw(st.booleans()):
        data["help_kinds"] = draw(st.lists(st.one_of(st.sampled_from(HelpKind.values), any_text), max_size=5))
    if draw(st.booleans()):
        data["planned_start"] = draw(
            st.one_of(
                st.dates().map(str),
                st.integers(-400, 4000).map(lambda d: (timezone.localdate() + timedelta(days=d)).isoformat()),
            )
        )
    if draw(st.booleans()):
        data.pop(draw(st.sampled_from(sorted(data))))
    return data


@pytest.fixture
def village():
    return VillageFactory()


def in_rollback(check):
    """Run one example in a savepoint that is always rolled back, with fresh rate limits."""
    cache.clear()
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


def test_submission_form_never_fails_and_never_shows_markup(village):
    officer = OfficerMembershipFactory(municipality=village.municipality)
    stored = []

    @FUZZ
    @given(data=st.data())
    def run(data):
        post = data.draw(submissions(village))
        junk_query = st.one_of(st.sampled_from(["\x00", "a\x00b", village.municipality.slug]), any_text)
        query = data.draw(st.fixed_dictionaries({"dorp": junk_query, "gemeente": junk_query, "lang": junk_query}))

        def check():
            client = Client()
            assert client.get(reverse("initiatives:submit"), query).status_code == 200
            response = client.post(reverse("initiatives:submit"), post)
            assert response.status_code in (200, 302), response.status_code
            assert_escaped(response)
            if response.status_code != 302:
                return
            stored.append(1)
            initiative = Initiative.objects.get()
            assert_escaped(client.get(response["Location"]))
            token = tracking_token_issue(initiative=initiative)
            assert_escaped(client.get(reverse("initiatives:track", args=[token])))
            assert_escaped(client.get(reverse("initiatives:withdraw", args=[token])))
            if initiative.publication_consent:
                assert_escaped(client.get(reverse("initiatives:list")))
                assert_escaped(client.get(reverse("initiatives:public", args=[initiative.reference])))
            client.force_login(officer.user)
            page = client.get(reverse("initiatives:officer_detail", args=[initiative.pk]))
            assert page.status_code == 200
            assert_escaped(page)
            assert_escaped(client.get(reverse("initiatives:dashboard")))

        in_rollback(check)

    run()
    assert stored, "no example was ever stored: the strategy is too wild"


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["municipality", "village", "theme", "status", "page"]), any_text))
def test_gallery_filters_never_fail(params):
    assert Client().get(reverse("initiatives:list"), params).status_code in (200, 404)


@pytest.mark.parametrize("name", ["municipality", "village", "theme", "status", "page"])
def test_gallery_filters_with_a_nul_character_never_fail(name):
    """Found by the test above on PostgreSQL, which refuses a NUL character in a query."""
    assert Client().get(reverse("initiatives:list"), {name: "a\x00b"}).status_code == 200


TRACKING_SUFFIXES = ["", "intrekken/", "tevredenheid/", "mijn-gegevens/", "bijlagen/1/"]


@FUZZ
@given(token=st.text(max_size=120), suffix=st.sampled_from(TRACKING_SUFFIXES), body=any_text)
def test_unknown_tracking_links_are_404(token, suffix, body):
    cache.clear()
    client = Client()
    url = f"/initiatieven/volg/{quote(token, safe='')}/{suffix}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": body, "reason": body, "confirm": "on", "score": body}).status_code == 404


@FUZZ
@given(email=st.one_of(st.emails(), any_text, st.builds(lambda t: f"{t}@example.nl", any_text)))
def test_lost_link_form_never_fails(email):
    def check():
        InitiativeFactory(initiator_email="bekend@example.nl")
        client = Client()
        response = client.post(reverse("initiatives:lost_link"), {"email": email})
        assert response.status_code in (200, 302)
        assert_escaped(response)

    in_rollback(check)


def test_reply_and_withdraw_on_a_real_link_never_fail_and_are_escaped():
    officer = OfficerMembershipFactory()
    initiative = InitiativeFactory(in_conversation=True, village__municipality=officer.municipality)
    token = tracking_token_issue(initiative=initiative)
    track = reverse("initiatives:track", args=[token])
    posted = []

    @FUZZ
    @given(body=st.one_of(marked_text, any_text), reason=st.one_of(marked_text, any_text))
    def run(body, reason):
        def check():
            client = Client()
            response = client.post(track, {"body": body})
            assert response.status_code in (200, 302)
            assert_escaped(response)
            if response.status_code == 302:
                posted.append(1)
                assert Message.objects.filter(initiative=initiative).exists()
            assert_escaped(client.get(track))
            withdraw = client.post(reverse("initiatives:withdraw", args=[token]), {"reason": reason, "confirm": "on"})
            assert withdraw.status_code in (200, 302)
            assert_escaped(withdraw)
            assert_escaped(client.get(track))
            client.force_login(officer.user)
            assert_escaped(client.get(reverse("initiatives:officer_detail", args=[initiative.pk])))

        in_rollback(check)

    run()
    assert posted
