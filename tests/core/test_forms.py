"""Form helpers of core: service errors on forms, ids no database can hold, quick copies."""

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from core.forms import MAX_ID, ModelMultipleChoiceField, add_service_error, quick_copies


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


class QuickCopiesTests:
    """`quick_copies`: each form (and FilterSet) still gets fields (and filters) of its own to
    change; only the choices are shared, and no form changes them in place."""

    @staticmethod
    def form_class():
        @quick_copies
        class Form(forms.Form):
            status = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.Select(attrs={"id": "s"}))
            name = forms.CharField(validators=[])
            when = forms.SplitDateTimeField(required=False)
            user = forms.ModelChoiceField(queryset=get_user_model().objects.all(), required=False)

        return Form

    def test_a_form_changes_only_its_own_fields(self):
        Form = self.form_class()
        first, second = Form(), Form()
        first.fields["status"].choices = [("c", "C")]
        first.fields["status"].widget.attrs["class"] = "form-select"
        first.fields["name"].validators.append(lambda value: None)
        first.fields["name"].error_messages["required"] = "Vul iets in"
        assert [value for value, _ in second.fields["status"].choices] == ["a", "b"]
        assert [value for value, _ in Form.base_fields["status"].choices] == ["a", "b"]
        assert "class" not in second.fields["status"].widget.attrs
        assert Form.base_fields["status"].widget.attrs == {"id": "s"}
        assert second.fields["name"].validators == Form.base_fields["name"].validators
        assert second.fields["name"].error_messages["required"] != "Vul iets in"
        assert second.fields["status"].widget is not first.fields["status"].widget
        # the choices themselves are shared, not copied
        assert second.fields["status"].choices is Form.base_fields["status"].choices

    @pytest.mark.django_db
    def test_fields_with_a_query_or_inner_widgets_are_copied_as_django_does(self):
        Form = self.form_class()
        first, second = Form(), Form()
        assert first.fields["when"].widget.widgets[0] is not second.fields["when"].widget.widgets[0]
        assert first.fields["user"].queryset is not second.fields["user"].queryset
        assert list(first.fields["user"].queryset) == []

    def test_filtersets_get_filters_of_their_own_with_their_own_method(self):
        import django_filters

        calls = []

        @quick_copies
        class Filter(django_filters.FilterSet):
            name = django_filters.CharFilter(method="by_name")
            status = django_filters.ChoiceFilter(choices=[("a", "A")])

            class Meta:
                model = get_user_model()
                fields = []

            def by_name(self, queryset, name, value):
                calls.append((self, value))
                return queryset

        first, second = Filter({"name": "x"}), Filter({"name": "y"})
        first.filters["status"].extra["choices"] = [("b", "B")]
        assert Filter.base_filters["status"].extra["choices"] == [("a", "A")]
        assert second.filters["status"].extra["choices"] == [("a", "A")]
        assert first.filters["name"].parent is first and second.filters["name"].parent is second
        users = get_user_model().objects.all()
        first.filters["name"].filter(users, "x")
        second.filters["name"].filter(users, "y")
        assert calls == [(first, "x"), (second, "y")]
