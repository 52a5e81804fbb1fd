"""`{% form_field field %}`: one form field in Bootstrap markup, written in Python.

The same markup as templates/includes/field.html (label, widget, help text, errors; a test
compares the two), for a page that renders many fields on every request: twelve includes of
that template were a tenth of the officers' dashboard's rendering (bench/results/triage_list_profile.md).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def form_field(field):
    help_text = ""
    if field.help_text:
        help_text = format_html('<div class="form-text" id="{}_helptext">{}</div>', field.auto_id, field.help_text)
    error_html = '<div class="invalid-feedback d-block">{}</div>'
    errors = format_html_join("", error_html, ((error,) for error in field.errors))
    return format_html(
        '<div class="mb-3">\n  <label class="form-label" for="{}">{}</label>\n  {}\n  {}\n  {}\n</div>',
        field.id_for_label,
        field.label,
        field,
        help_text,
        errors,
    )


@register.simple_tag
def inline_checkboxes(field):
    """A multiple-choice field's checkboxes side by side (Bootstrap's form-check-inline): what a
    template loop over the field's subwidgets writes, ids `<auto_id>_<n>` as Django's own."""
    chosen = {str(value) for value in (field.value() or [])}
    name, auto_id = field.html_name, field.auto_id
    boxes = []
    for index, (value, label) in enumerate(field.field.choices):
        option_id = f"{auto_id}_{index}" if auto_id else ""
        boxes.append(
            format_html(
                '<div class="form-check form-check-inline">'
                '<input class="form-check-input" type="checkbox" name="{}" value="{}" id="{}"{}>'
                '<label class="form-check-label" for="{}">{}</label></div>',
                name,
                value,
                option_id,
                mark_safe(" checked") if str(value) in chosen else "",  # noqa: S308 - a constant
                option_id,
                label,
            )
        )
    return mark_safe("\n".join(boxes))  # noqa: S308 - each box is format_html's
