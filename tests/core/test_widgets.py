"""core.widgets and {% form_field %} write in Python what Django's templates write (speed):
the markup must stay the same."""

import re
from datetime import date

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string

from core.widgets import DateInput, FastHiddenInput, FastSelect, FastTextInput


def same_html(text: str) -> str:
    """Whitespace between tags and runs of spaces do not matter to a browser."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(text))).strip()


ATTRS = [
    {},
    {"class": "form-control", "id": "id_q", "maxlength": "100", "required": True, "disabled": False},
    {"aria-describedby": "id_q_helptext", "placeholder": 'say "hi" & <go>'},
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "speeltuin", '"><script>'])
def test_text_input_writes_what_django_writes(attrs, value):
    assert FastTextInput().render("q", value, attrs) == forms.TextInput().render("q", value, attrs)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", date(2026, 3, 4), "2026-02-30"])
def test_date_input_writes_what_django_writes(attrs, value):
    django_widget = forms.DateInput(format="%Y-%m-%d")
    django_widget.input_type = "date"
    assert DateInput().render("from", value, attrs) == django_widget.render("from", value, attrs)


CHOICES = [
    ("", "All villages"),
    ("1", "Dorp & <Co>"),
    ("2", 'Quote "here"'),
    ("Gemeente A", [("3", "Aa"), ("4", "Bb")]),
]


@pytest.mark.parametrize("value", [None, "", "2", "4", "99"])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "id": "id_village", "required": True}])
def test_select_writes_what_django_writes(value, attrs):
    fast = FastSelect(choices=CHOICES).render("village", value, attrs)
    django = forms.Select(choices=CHOICES).render("village", value, attrs)
    assert same_html(fast) == same_html(django)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search <words>", max_length=10, help_text="Title & name", widget=FastTextInput)
    village = forms.ChoiceField(label="Village", choices=CHOICES[:3], required=False, widget=FastSelect)


@pytest.mark.parametrize("data", [None, {"q": "x" * 20, "village": "9"}, {"q": "ok", "village": "1"}])
@pytest.mark.parametrize("name", ["q", "village"])
def test_form_field_tag_writes_what_the_include_writes(data, name):
    form = SearchForm(data)
    form.is_valid()
    field = form[name]
    tag = Template("{% load fields %}{% form_field field %}").render(Context({"field": field}))
    include = render_to_string("includes/field.html", {"field": field})
    assert same_html(tag) == same_html(include)


@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "id": "id_village"}])
def test_a_select_of_kept_choices_writes_what_django_writes_whatever_is_chosen(attrs):
    """The options of PlainChoices are written once and kept; each render marks its own choice."""
    from django_filters.fields import ChoiceField as FilterChoiceField

    from core.forms import PlainChoices

    kept = PlainChoices([*CHOICES[1:], ("5", "Aa"), ("3", "Again 3")])  # "3" twice: the first is chosen
    field = FilterChoiceField(empty_label="All villages", widget=FastSelect, required=False)
    field.choices = kept
    plain = FastSelect(choices=kept)
    for value in [None, "", "2", "4", "3", "99", "All villages", '"><script>']:
        django = forms.Select(choices=[("", "All villages"), *kept]).render("village", value, attrs)
        assert same_html(field.widget.render("village", value, attrs)) == same_html(django)
        django = forms.Select(choices=list(kept)).render("village", value, attrs)
        assert same_html(plain.render("village", value, attrs)) == same_html(django)
    assert len(kept.options_html) == 1  # written once


def test_kept_options_are_written_per_language():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from core.forms import PlainChoices

    kept = PlainChoices([("me", gettext_lazy("Assigned to me")), ("1", "Anna")])
    with translation.override("nl"):
        dutch = FastSelect(choices=kept).render("officer", "me")
    with translation.override("en"):
        english = FastSelect(choices=kept).render("officer", "me")
    assert '<option value="me" selected>Aan mij toegewezen</option>' in dutch
    assert '<option value="me" selected>Assigned to me</option>' in english


class StatusForm(forms.Form):
    status = forms.MultipleChoiceField(
        label="Status",
        choices=[("a", "Open & <new>"), ("b", 'Say "b"')],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@pytest.mark.parametrize("data", [None, {"status": ["b"]}, {"status": ["a", "b"]}])
def test_inline_checkboxes_write_one_box_per_choice_escaped(data):
    field = StatusForm(data)["status"]
    html = Template("{% load fields %}{% inline_checkboxes field %}").render(Context({"field": field}))
    chosen = (data or {}).get("status", [])
    expected = "\n".join(
        '<div class="form-check form-check-inline">'
        f'<input class="form-check-input" type="checkbox" name="status" value="{value}" id="id_status_{index}"'
        f"{' checked' if value in chosen else ''}>"
        f'<label class="form-check-label" for="id_status_{index}">{label}</label></div>'
        for index, (value, label) in enumerate([("a", "Open &amp; &lt;new&gt;"), ("b", "Say &quot;b&quot;")])
    )
    assert html == expected


@pytest.mark.parametrize("value", [None, "", "status=a&page=2", '"><script>'])
def test_hidden_input_writes_what_django_writes(value):
    attrs = {"id": "bulk-querystring"}
    assert FastHiddenInput().render("querystring", value, attrs) == forms.HiddenInput().render(
        "querystring", value, attrs
    )
