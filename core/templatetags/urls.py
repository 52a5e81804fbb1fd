"""`{% load urls %}`: Django's `{% url %}`, with each URL worked out once per process.

The same tag, the same syntax and the same result as Django's (a test compares them), but a URL
of plain arguments (texts and numbers) is kept: `reverse()` took 20–40 µs for each of the
twenty links of an officer's page, on every request (bench/results/triage_list_profile.md).
A URL depends only on the view's name, its arguments, the current application, the URLconf and
the script prefix, all part of the key; the URL patterns do not change while the process runs.
A URL with another kind of argument (a model instance) is reversed every time, as Django does.
"""

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_KEPT: dict[tuple, str] = {}
MAX_KEPT = 10_000
_PLAIN = (str, int)


class KeptURLNode(defaulttags.URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        if not all(type(value) in _PLAIN for value in (*args, *kwargs.values())):
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, get_urlconf(), get_script_prefix())
        url = _KEPT.get(key)
        if url is None:
            try:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            if len(_KEPT) >= MAX_KEPT:  # typed ids in links: start again rather than grow
                _KEPT.clear()
            _KEPT[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (the same arguments, `as` included), kept per process."""
    node = defaulttags.url(parser, token)
    node.__class__ = KeptURLNode
    return node
