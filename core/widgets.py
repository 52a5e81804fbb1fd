"""Widgets for pages that render on every request.

Django renders a <select> with one template include per option (and one more per option for
its attributes), and an <input> with two templates; on the officers' dashboard that was a third
of the page's time (bench/results/triage_list.md). These widgets write the same markup in Python.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

# What django.utils.html.escape (html.escape) writes for each character, in one C-level call.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


class FastSelect(forms.Select):
    """A Select whose markup is built in Python: same name, attributes, options and groups."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        found = False
        parts = [f'<select name="{escape(name)}"{flatatt(final_attrs)}>']

        def option(option_value, label):
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (multiple or not found)
            found = found or selected
            flag = " selected" if selected else ""
            return f'<option value="{text.translate(_ESCAPES)}"{flag}>{str(label).translate(_ESCAPES)}</option>'

        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{str(option_value).translate(_ESCAPES)}">')
                parts.extend(option(value, sublabel) for value, sublabel in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - names, values and labels are escaped above


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


class DateInput(FastInputMixin, forms.DateInput):
    """The browser's own date picker; the value in the ISO format it expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")
