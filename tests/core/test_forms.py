"""Form helpers of core: service errors on forms, ids no database can hold."""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from core.forms import MAX_ID, ModelMultipleChoiceField, add_service_error


class ExampleForm(forms.Form):
    title = forms.CharField()


class AddServiceErrorTests:
    def test_errors_for_a_field_go_to_that_field(self):
        form = ExampleForm({"title": "x"})
        assert form.is_valid()
        add_service_error(form, ValidationError({"title": "Too short."}))
        assert form.errors == {"title": ["Too short."]}

    def test_errors_for_an_unknown_field_and_plain_errors_go_above_the_form(self):
        form = ExampleForm({"title": "x"})
        form.is_valid()
        add_service_error(form, ValidationError({"fund": "Closed."}))
        add_service_error(form, ValidationError("Not now."))
        assert form.non_field_errors() == ["Closed.", "Not now."]


@pytest.mark.django_db
class ModelMultipleChoiceFieldTests:
    @pytest.mark.parametrize("value", [str(MAX_ID + 1), str(-MAX_ID - 2), "9" * 40])
    def test_an_id_no_column_can_hold_is_an_invalid_choice(self, value):
        field = ModelMultipleChoiceField(queryset=Group.objects.all())
        with pytest.raises(ValidationError) as refused:
            field.clean([value])
        assert refused.value.code == "invalid_choice"

    def test_existing_ids_still_work(self):
        group = Group.objects.create(name="Voorbeeld")
        field = ModelMultipleChoiceField(queryset=Group.objects.all())
        assert list(field.clean([str(group.pk)])) == [group]

    def test_text_is_reported_as_django_reports_it(self):
        field = ModelMultipleChoiceField(queryset=Group.objects.all())
        with pytest.raises(ValidationError) as refused:
            field.clean(["abc"])
        assert refused.value.code == "invalid_pk_value"
