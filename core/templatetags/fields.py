"""`{% form_field field %}`: one form field in Bootstrap markup, written in Python.

The same markup as templates/includes/field.html (label, widget, help text, errors; a test
compares the two), for a page that renders many fields on every request: twelve includes of
that template were a tenth of the officers' dashboard's rendering (bench/results/triage_list_profile.md).
"""

from django import template
from django.utils.html import format_html, format_html_join

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
