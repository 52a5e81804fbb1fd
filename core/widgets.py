"""Widgets for pages that render on every request.

Django renders a <select> with one template include per option (and one more per option for
its attributes), and an <input> with two templates; on the officers' dashboard that was a third
of the page's time (bench/results/triage_list.md). These widgets write the same markup in Python.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# What django.utils.html.escape (html.escape) writes for each character, in one C-level call.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _option(option_value, label, flag: str = "") -> str:
    text = "" if option_value is None else str(option_value)
    return f'<option value="{text.translate(_ESCAPES)}"{flag}>{str(label).translate(_ESCAPES)}</option>'


def _options(choices) -> list[str]:
    """Every option (and group) of `choices`, none selected."""
    parts = []
    for option_value, label in choices:
        if isinstance(label, (list, tuple)):
            parts.append(f'<optgroup label="{str(option_value).translate(_ESCAPES)}">')
            parts.extend(_option(value, sublabel) for value, sublabel in label)
            parts.append("</optgroup>")
        else:
            parts.append(_option(option_value, label))
    return parts


class FastSelect(forms.Select):
    """A Select whose markup is built in Python: same name, attributes, options and groups.

    The options of a `core.forms.PlainChoices` (also behind django-filter's empty label) are
    written once per language and kept on it; each page marks its chosen option in a copy of
    that markup (a platform admin's 1,000 villages and 200 officers, on every page).
    """

    def render(self, name, value, attrs=None, renderer=None):
        from core.forms import PlainChoices

        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        parts = [f'<select name="{escape(name)}"{flatatt(final_attrs)}>']
        choices = self.choices
        kept = choices if isinstance(choices, PlainChoices) else getattr(choices, "choices", None)
        if multiple or not isinstance(kept, PlainChoices):
            kept, head = None, choices
        elif kept is choices:
            head = []
        else:  # django-filter's ChoiceIterator: its empty (and null) label, then the list
            iterator = iter(choices)
            head = [next(iterator) for _ in range(len(choices) - len(kept))]
        found = False

        def option(option_value, label):
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (multiple or not found)
            found = found or selected
            return _option(option_value, label, " selected" if selected else "")

        for option_value, label in head:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{str(option_value).translate(_ESCAPES)}">')
                parts.extend(option(value, sublabel) for value, sublabel in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        if kept is not None:
            parts.append(_chosen_in(_kept_options(kept), chosen) if chosen and not found else _kept_options(kept))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - names, values and labels are escaped above


def _kept_options(choices) -> str:
    language = get_language() or ""
    html = choices.options_html.get(language)
    if html is None:
        html = choices.options_html[language] = "\n".join(_options(choices))
    return html


def _chosen_in(html: str, chosen: set[str]) -> str:
    """`html` with the first option whose value is one of `chosen` selected (as Django's Select:
    one option of a single select)."""
    first = -1
    needle = ""
    for text in chosen:
        candidate = f'<option value="{text.translate(_ESCAPES)}">'
        at = html.find(candidate)
        if at >= 0 and (first < 0 or at < first):
            first, needle = at, candidate
    if first < 0:
        return html
    end = first + len(needle) - 1
    return f"{html[:end]} selected{html[end:]}"


def add_bootstrap_classes(form) -> None:
    """Bootstrap's classes on the widgets themselves, for forms rendered without crispy-forms
    (templates/includes/field.html)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-control")


class FastInputMixin:
    """An <input> written in Python: the same markup as Django's input.html and attrs.html
    (type, name, value, then the attributes; True as a bare attribute, False left out), without
    the two template renders per field (bench/results/triage_list_profile.md)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"']
        if widget["value"] is not None:
            parts.append(f' value="{escape(widget["value"])}"')
        for attribute, attribute_value in widget["attrs"].items():
            if attribute_value is False:
                continue
            name_html = escape(attribute)
            parts.append(f" {name_html}" if attribute_value is True else f' {name_html}="{escape(attribute_value)}"')
        parts.append(">")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastHiddenInput(FastInputMixin, forms.HiddenInput):
    pass


class DateInput(FastInputMixin, forms.DateInput):
    """The browser's own date picker; the value in the ISO format it expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")
