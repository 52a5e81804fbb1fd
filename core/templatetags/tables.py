"""`{% scroll_table %}<table>…</table>{% endscroll_table %}`: a table that may scroll sideways.

Every wide table sits in Bootstrap's `.table-responsive`, a box that scrolls on a narrow screen.
Someone without a mouse must be able to scroll it too (WCAG 2.1.1; axe's
`scrollable-region-focusable`), and a screen reader must say what the box is. So the box gets
`tabindex="0"`, `role="region"` and the table's caption as its name (`aria-labelledby`; the
caption gets an id if it has none). One place for this, so no table forgets it.

`{% scroll_table "col-xl-8" %}` adds classes to the box. static/css/site.css keeps visually
hidden labels inside the box (position: relative), so they never widen the page.
"""

import re
from itertools import count

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

CAPTION = re.compile(r"<caption\b([^>]*)>", re.IGNORECASE)
ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_numbers = count(1)


class ScrollTableNode(template.Node):
    def __init__(self, nodelist, classes):
        self.nodelist = nodelist
        self.classes = classes

    def render(self, context):
        content = self.nodelist.render(context)
        caption = CAPTION.search(content)
        if caption is None:
            raise template.TemplateSyntaxError("{% scroll_table %} needs a table with a <caption>: it names the box")
        found = ID.search(caption.group(1))
        if found:
            caption_id = found.group(1)
        else:
            caption_id = f"table-caption-{next(_numbers)}"
            tag = f'<caption id="{caption_id}"{caption.group(1)}>'
            content = content[: caption.start()] + tag + content[caption.end() :]
        classes = " ".join(["table-responsive", self.classes.resolve(context) if self.classes else ""]).strip()
        opening = format_html('<div class="{}" tabindex="0" role="region" aria-labelledby="{}">', classes, caption_id)
        return opening + mark_safe(content) + mark_safe("</div>")  # noqa: S308 - rendered template output


@register.tag
def scroll_table(parser, token):
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("{% scroll_table %} takes at most one argument: extra classes")
    classes = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("endscroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(nodelist, classes)
