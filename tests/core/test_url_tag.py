"""`{% load urls %}`: Django's `{% url %}` with each URL kept per process (core/templatetags/urls.py)."""

import pytest
from django.template import Context, Engine, RequestContext
from django.test import RequestFactory
from django.urls import NoReverseMatch, set_script_prefix

from core.templatetags import urls
from tests.villages.factories import VillageFactory

ENGINE = Engine.get_default()


def both(source: str, context: dict | None = None, request=None) -> tuple[str, str]:
    """What Django's own tag and ours write for the same template text."""

    def render(text):
        values = context or {}
        return ENGINE.from_string(text).render(RequestContext(request, values) if request else Context(values))

    return render(source), render("{% load urls %}" + source)


@pytest.fixture(autouse=True)
def empty():
    urls._KEPT.clear()
    yield
    urls._KEPT.clear()


@pytest.mark.parametrize(
    ("source", "context"),
    [
        ("{% url 'initiatives:home' %}", {}),
        ("{% url 'initiatives:officer_detail' 42 %}", {}),
        ("{% url 'initiatives:officer_detail' pk=pk %}", {"pk": 7}),
        ("{% url 'initiatives:officer_detail' pk %}", {"pk": "8"}),
        ("{% url 'vision:meeting_rsvp' slug %}?v=1", {"slug": "a&b"}),
        ("{% url name %}", {"name": "initiatives:list"}),
        ("{% url 'initiatives:dashboard' as link %}[{{ link }}]", {}),
        ("{% url 'no-such-view' as link %}[{{ link }}]", {}),
        ("{% autoescape off %}{% url 'vision:meeting_rsvp' slug %}{% endautoescape %}", {"slug": "a&b"}),
    ],
)
def test_the_same_as_djangos_tag_the_first_time_and_the_next(source, context):
    first = both(source, context)
    assert first[0] == first[1]
    assert both(source, context) == first  # now kept


def test_other_arguments_give_their_own_url_not_the_kept_one():
    from django.urls import reverse

    source = "{% url 'initiatives:officer_detail' pk %}"
    for pk in (1, 2, 1, 2):
        assert both(source, {"pk": pk}) == (reverse("initiatives:officer_detail", args=[pk]),) * 2


@pytest.mark.django_db
def test_a_model_instance_is_reversed_every_time():
    village = VillageFactory()
    source = "{% url 'vision:meeting_rsvp' village %}"
    assert both(source, {"village": village})[0] == both(source, {"village": village})[1]
    assert not urls._KEPT


def test_an_unknown_view_raises_as_djangos():
    for source in ("{% url 'no-such-view' %}", "{% load urls %}{% url 'no-such-view' %}"):
        with pytest.raises(NoReverseMatch):
            ENGINE.from_string(source).render(Context({}))


def test_the_script_prefix_is_part_of_the_key():
    source = "{% url 'initiatives:list' %}"
    plain = both(source)[1]
    set_script_prefix("/onder/")
    try:
        prefixed = both(source)
    finally:
        set_script_prefix("/")
    assert prefixed[0] == prefixed[1] == "/onder" + plain
    assert both(source)[1] == plain


def test_the_current_application_as_djangos():
    request = RequestFactory().get("/")
    request.current_app = "initiatives"
    django, ours = both("{% url 'initiatives:list' %}", request=request)
    assert django == ours
