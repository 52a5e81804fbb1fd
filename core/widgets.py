"""Widgets for pages that render on every request.

Django renders a <select> with one template include per option (and one more per option for
its attributes); on the officers' dashboard that was a third of the page's time
(bench/results/triage_list.md). This Select writes the same markup in Python.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A Select whose markup is built in Python: same name, attributes, options and groups."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = set(self.format_value(value))
        found = False
        parts = [f'<select name="{escape(name)}"{flatatt(final_attrs)}>']

        def option(option_value, label):
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (self.allow_multiple_selected or not found)
            found |= selected
            flag = " selected" if selected else ""
            return f'<option value="{escape(text)}"{flag}>{escape(label)}</option>'

        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(option_value)}">')
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


class DateInput(forms.DateInput):
    """The browser's own date picker; the value in the ISO format it expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")
