"""`{% form_field field %}`: one form field in Bootstrap markup, written in Python.

The same markup as templates/includes/field.html (label, widget, help text, errors; a test
compares the two), for a page that renders many fields on every request: twelve includes of
that template were a tenth of the officers' dashboard's rendering (bench/results/triage_list_profile.md).
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


# What django.utils.html.escape writes for each character, in one C-level call per text.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _esc(value) -> str:
    """conditional_escape: safe text as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return str(value).translate(_ESCAPES)


@register.simple_tag
def form_field(field):
    auto_id = field.auto_id
    help_text = field.help_text
    help_html = f'<div class="form-text" id="{_esc(auto_id)}_helptext">{_esc(help_text)}</div>' if help_text else ""
    errors = "".join(f'<div class="invalid-feedback d-block">{_esc(error)}</div>' for error in field.errors)
    return mark_safe(  # noqa: S308 - every value is escaped by _esc, the widget is Django's safe markup
        f'<div class="mb-3">\n  <label class="form-label" for="{_esc(field.id_for_label)}">{_esc(field.label)}</label>'
        f"\n  {_esc(field)}\n  {help_html}\n  {errors}\n</div>"
    )


@register.simple_tag
def inline_checkboxes(field):
    """A multiple-choice field's checkboxes side by side (Bootstrap's form-check-inline): what a
    template loop over the field's subwidgets writes, ids `<auto_id>_<n>` as Django's own."""
    chosen = {str(value) for value in (field.value() or [])}
    name, auto_id = field.html_name, field.auto_id
    boxes = []
    name_html = _esc(name)
    for index, (value, label) in enumerate(field.field.choices):
        option_id = _esc(f"{auto_id}_{index}" if auto_id else "")
        checked = " checked" if str(value) in chosen else ""
        boxes.append(
            '<div class="form-check form-check-inline">'
            f'<input class="form-check-input" type="checkbox" name="{name_html}" value="{_esc(value)}" '
            f'id="{option_id}"{checked}><label class="form-check-label" for="{option_id}">{_esc(label)}</label></div>'
        )
    return mark_safe("\n".join(boxes))  # noqa: S308 - every value is escaped by _esc
