"""Post an admin change form as a browser would: what the page shows, with a few changes."""

from html.parser import HTMLParser

from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class _FormFields(HTMLParser):
    """The name/value pairs a browser would send for the first form with method="post" that
    has a submit button named `_save` (the admin's change form)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._has_save = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields, self._has_save = [], False
        if self._fields is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "submit":
                self._has_save = self._has_save or name == "_save"
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._fields.append((name, attrs.get("value") or "on"))
            elif kind != "file":
                self._fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._fields.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._fields is None:
            return
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            if self._has_save:
                self.forms.append(self._fields)
            self._fields = None


def change_form_data(response, **changes) -> dict:
    """The admin form on `response` as posted by a browser, with `changes` applied (a value of
    None leaves the field out)."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    assert parser.forms, "no admin form with a save button on the page"
    data: dict[str, object] = {}
    for name, value in parser.forms[0]:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}
