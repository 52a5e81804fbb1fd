"""Form helpers every app's views use."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.utils.choices import BaseChoiceIterator


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError at the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PlainChoices(BaseChoiceIterator):
    """(value, label) pairs that are final already, for a field's `choices`.

    Django normalises a plain list of choices pair by pair, and django-filter's choice fields
    do so again each time the choices are read (to render, to validate): for a platform admin's
    1,000 villages that was more work than rendering them (bench/results/triage_list_profile.md).
    A choice iterator is passed through as it is.
    """

    def __init__(self, choices):
        self.choices = list(choices)
        # The options' markup per language, written once by core.widgets.FastSelect: a list kept
        # between requests (core.choices) is written once, not on every page.
        self.options_html: dict[str, str] = {}

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)


# The largest id a database integer column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id no database column can hold is an invalid choice (on SQLite,
    Django's own field lets the query fail with OverflowError: a 500 for what a person posts)."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                continue  # Django's own check reports it
            if not -MAX_ID - 1 <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


def forget_errors(*forms_or_formsets) -> None:
    """Show bound forms (and formsets) again as typed, without error messages: for a button that
    changes the form itself ("add a line") rather than sends it. Validate first if the form
    must keep its files."""
    for item in forms_or_formsets:
        if isinstance(item, forms.BaseFormSet):
            forget_errors(*item.forms)
            item._errors = [ErrorDict() for _ in item.forms]
            item._non_form_errors = ErrorList()
        else:
            item._errors = ErrorDict()
