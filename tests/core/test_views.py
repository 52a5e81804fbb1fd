"""The form views that call one service (core.views), with a fake form, service and page.

Through RequestFactory: no URLs, no database, no app of the platform.
"""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.views.generic import FormView

from core.views import PageActionMixin, ServiceFormMixin

PAGE = (
    "<h1>{{ title }}</h1>"
    "{% for error in rename_form.non_field_errors %}<p class=error>{{ error }}</p>{% endfor %}"
    "{% for error in rename_form.name.errors %}<p class=field-error>{{ error }}</p>{% endfor %}"
    '<input name="{{ rename_form.name.html_name }}" value="{{ rename_form.name.value|default:"" }}">'
)


@pytest.fixture(autouse=True)
def _page_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"page.html": PAGE})]},
        }
    ]


class NameForm(forms.Form):
    name = forms.CharField(
        max_length=10, error_messages={"required": "A name, please.", "max_length": "At most 10 characters."}
    )


class FakeService:
    """Records its calls; raises `error` when given one."""

    def __init__(self, error: ValidationError | None = None):
        self.calls = []
        self.error = error

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error


class RenameView(PageActionMixin, FormView):
    """The rename form of a page that also shows a title."""

    form_class = NameForm
    prefix = "rename"
    template_name = "page.html"
    anchor = "names"
    success_message = "The name has been saved."
    service = None  # a FakeService, given to as_view()

    def get_page_url(self):
        return "/page/"

    def get_page_context(self, form):
        return {"title": "The page", "rename_form": form}

    def act(self, data):
        self.service(name=data["name"])


def post(rf, view, data, **initkwargs):
    request = rf.post("/page/rename/", data)
    request._messages = CookieStorage(request)
    response = view.as_view(**initkwargs)(request)
    return request, response


def shown_messages(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


class PageActionSuccessTests:
    def test_calls_the_service_with_the_cleaned_data_then_back_to_the_page_at_its_anchor(self, rf):
        service = FakeService()

        request, response = post(rf, RenameView, {"rename-name": " Ada "}, service=service)

        assert service.calls == [{"name": "Ada"}]
        assert response.status_code == 302
        assert response["Location"] == "/page/#names"
        assert shown_messages(request) == ["The name has been saved."]

    def test_without_an_anchor_back_to_the_page_itself(self, rf):
        request, response = post(rf, RenameView, {"rename-name": "Ada"}, service=FakeService(), anchor="")

        assert response.status_code == 302
        assert response["Location"] == "/page/"

    def test_the_message_set_by_act_is_shown(self, rf):
        class GreetView(RenameView):
            def act(self, data):
                super().act(data)
                self.success_message = f"Hello {data['name']}."

        request, response = post(rf, GreetView, {"rename-name": "Ada"}, service=FakeService())

        assert response.status_code == 302
        assert shown_messages(request) == ["Hello Ada."]

    def test_without_a_success_message_none_is_shown(self, rf):
        request, response = post(rf, RenameView, {"rename-name": "Ada"}, service=FakeService(), success_message="")

        assert response.status_code == 302
        assert shown_messages(request) == []

    def test_the_form_has_its_prefix(self, rf):
        service = FakeService()

        request, response = post(rf, RenameView, {"name": "Ada"}, service=service)

        assert service.calls == []
        assert response.status_code == 200
        assert response.context_data["rename_form"].errors == {"name": ["A name, please."]}


class PageActionRefusalTests:
    def test_a_service_error_at_a_field_is_shown_at_that_field_on_the_page(self, rf):
        service = FakeService(ValidationError({"name": "This name is taken."}))

        request, response = post(rf, RenameView, {"rename-name": "Ada"}, service=service)

        assert len(service.calls) == 1
        assert response.status_code == 200
        form = response.context_data["rename_form"]
        assert form.is_bound
        assert form.errors == {"name": ["This name is taken."]}
        content = response.render().content.decode()
        assert "<h1>The page</h1>" in content
        assert "<p class=field-error>This name is taken.</p>" in content
        assert 'value="Ada"' in content
        assert shown_messages(request) == []

    def test_a_service_error_without_a_field_is_shown_above_the_form(self, rf):
        service = FakeService(ValidationError("The page is closed."))

        request, response = post(rf, RenameView, {"rename-name": "Ada"}, service=service)

        assert response.status_code == 200
        assert response.context_data["rename_form"].non_field_errors() == ["The page is closed."]
        assert "<p class=error>The page is closed.</p>" in response.render().content.decode()
        assert shown_messages(request) == []

    def test_a_service_error_at_an_unknown_field_is_shown_above_the_form(self, rf):
        service = FakeService(ValidationError({"colour": "Not this colour."}))

        request, response = post(rf, RenameView, {"rename-name": "Ada"}, service=service)

        assert response.status_code == 200
        assert response.context_data["rename_form"].non_field_errors() == ["Not this colour."]


class PageActionInvalidFormTests:
    def test_an_invalid_form_shows_the_page_again_with_this_form_and_calls_no_service(self, rf):
        service = FakeService()

        request, response = post(rf, RenameView, {"rename-name": "A name far too long"}, service=service)

        assert service.calls == []
        assert response.status_code == 200
        assert response.template_name == ["page.html"]
        context = response.context_data
        assert context["title"] == "The page"
        assert "form" not in context  # the bound form is the page's own, by its name there
        assert context["rename_form"].errors["name"] == ["At most 10 characters."]
        content = response.render().content.decode()
        assert "<h1>The page</h1>" in content
        assert 'value="A name far too long"' in content
        assert shown_messages(request) == []

    def test_only_post_is_answered(self, rf):
        response = RenameView.as_view(service=FakeService())(rf.get("/page/rename/"))

        assert response.status_code == 405
        assert response["Allow"] == "POST"


class ServiceFormTests:
    """The same service call for a form with a page of its own."""

    class RenameFormView(ServiceFormMixin, FormView):
        form_class = NameForm
        template_name = "page.html"
        service = None

        def service_data(self, form):
            return {"name": form.cleaned_data["name"].upper()}

        def act(self, data):
            self.service(**data)
            self.success_message = f"{data['name']} has been saved."

        def get_success_url(self):
            return "/names/"

        def get_context_data(self, **kwargs):
            context = super().get_context_data(**kwargs)
            return {**context, "rename_form": context["form"], "title": "Rename"}

    def test_calls_the_service_with_the_service_data_then_redirects(self, rf):
        service = FakeService()

        request, response = post(rf, self.RenameFormView, {"name": "Ada"}, service=service)

        assert service.calls == [{"name": "ADA"}]
        assert response.status_code == 302
        assert response["Location"] == "/names/"
        assert shown_messages(request) == ["ADA has been saved."]

    def test_a_service_error_shows_the_form_again(self, rf):
        service = FakeService(ValidationError({"name": "This name is taken."}))

        request, response = post(rf, self.RenameFormView, {"name": "Ada"}, service=service)

        assert response.status_code == 200
        assert response.context_data["form"].errors == {"name": ["This name is taken."]}
        assert shown_messages(request) == []
