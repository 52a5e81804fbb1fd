"""Form helpers every app's views use."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property


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

    @cached_property
    def labels(self) -> dict:
        """{value: label}, made once for a kept list."""
        return dict(self.choices)


class QuickCopyFields(dict):
    """A form class's `base_fields` that each form copies without deep-copying the choices.

    Every form copies its class's fields (`copy.deepcopy(base_fields)`), so that a request may
    change its own. Django's copy of a choice field deep-copies its choices too, rebuilding each
    translatable label through the pickle protocol. With these copies (and `QuickCopyFilters`)
    the officers' dashboard makes 37,458 function calls instead of 43,365 and takes 9.7 ms of
    CPU instead of 10.1 (bench/profile_page.py, bench/results/triage_list_profile.md). These copies
    are Django's (field, widget, its attrs, error messages and validators each a copy of their
    own) except that the choices are shared: nothing changes choices in place, a form that needs
    other choices assigns new ones (as Django's own `choices` setter does). A field with a query
    (`ModelChoiceField`) or with widgets inside its widget is copied as Django copies it.
    """

    def __deepcopy__(self, memo):
        return {name: _field_copy(field, memo) for name, field in self.items()}


def _field_copy(field: forms.Field, memo) -> forms.Field:
    if isinstance(field, forms.ModelChoiceField) or isinstance(field.widget, forms.MultiWidget):
        return copy.deepcopy(field, memo)
    result = copy.copy(field)
    result.widget = copy.copy(field.widget)
    result.widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result


def quick_copies(form_class):
    """`form_class` (a form class, or a FilterSet class) with its fields (or filters) copied per
    form without deep-copying their choices (`QuickCopyFields`, `QuickCopyFilters`)."""
    if hasattr(form_class, "base_filters"):
        form_class.base_filters = QuickCopyFilters(form_class.base_filters)
    else:
        form_class.base_fields = QuickCopyFields(form_class.base_fields)
    return form_class


class QuickCopyFilters(dict):
    """A django-filter FilterSet's `base_filters` that each FilterSet copies without deep-copying.

    A FilterSet deep-copies its class's filters, each with the choices and widgets of its field's
    arguments (`extra`), and then sets itself as their parent. A filter's field is made from
    `extra` once, for the form class (which the FilterSets below keep: `get_form_class`), so a
    copy of the filter and of `extra` itself is enough; a filter with a `method` gets its own
    proxy to it, pointing at the copy and so at the copy's parent.
    """

    def __deepcopy__(self, memo):
        from django_filters.filters import FilterMethod

        copies = {}
        for name, filter_ in self.items():
            result = copy.copy(filter_)
            result.extra = filter_.extra.copy()
            result.__dict__.pop("_field", None)
            if isinstance(filter_.__dict__.get("filter"), FilterMethod):
                result.filter = FilterMethod(result)
            copies[name] = result
        return copies


# The largest id a database integer column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id no database column can hold is an invalid choice (on SQLite,
    Django's own field lets the query fail with OverflowError: a 500 for what a person posts)."""

    def _check_values(self, value):
        self._check_numbers(value)
        return super()._check_values(value)

    def _check_numbers(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                continue  # Django's own check reports it
            if not -MAX_ID - 1 <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )


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
