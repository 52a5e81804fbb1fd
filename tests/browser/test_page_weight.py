"""Page weight: every public page, opened in a fresh browser context (an empty cache), transfers
at most 100 KB compressed and talks to the site itself only.

The compressed size of a response is the gzip size (level 6) of its body: the test server may
not compress, so this is what a gzip-serving production server transfers (WhiteNoise serves
the .gz/.br files collectstatic writes). Headers are not counted. The numbers are printed
(run pytest with -s) and written to var/page-weight.txt.
"""

import gzip
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from initiatives.services.submission import tracking_token_issue
from tests.initiatives.factories import CostLineFactory, DecisionFactory, ThemeFactory
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 100 * 1024
REPORT = Path(settings.BASE_DIR) / "var" / "page-weight.txt"

# name -> path, given the objects made by the `site` fixture.
PUBLIC_PAGES = {
    "home": lambda site: "/",
    "initiative list": lambda site: "/initiatieven/",
    "submit form": lambda site: "/initiatieven/nieuw/",
    "municipality": lambda site: f"/gemeenten/{site['municipality'].slug}/",
    "village": lambda site: f"/gemeenten/{site['municipality'].slug}/{site['village'].slug}/",
    "initiative": lambda site: f"/initiatieven/{site['initiative'].reference}/",
    "tracking": lambda site: f"/initiatieven/volg/{site['token']}/",
    "lost link": lambda site: "/initiatieven/link-kwijt/",
    "privacy": lambda site: "/privacy/",
    "accessibility": lambda site: "/toegankelijkheid/",
    "login": lambda site: "/accounts/login/",
}

_rows: dict[str, tuple[str, int, int, int]] = {}


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@pytest.fixture(scope="module", autouse=True)
def weight_table():
    """Print and write the table of every page measured in this module."""
    yield
    if not _rows:
        return
    header = f"{'page':<16} {'path':<34} {'requests':>8} {'raw bytes':>10} {'gzip bytes':>10}"
    lines = [header, "-" * len(header)]
    for name in PUBLIC_PAGES:
        if name in _rows:
            path, requests, raw, compressed = _rows[name]
            lines.append(f"{name:<16} {path:<34} {requests:>8} {raw:>10} {compressed:>10}")
    lines.append(f"budget: {BUDGET} gzip bytes per page (first load, empty cache)")
    table = "\n".join(lines)
    print("\n" + table)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(table + "\n", encoding="utf-8")


@pytest.fixture
def site():
    municipality = MunicipalityFactory(name="Nunspeet", slug="nunspeet")
    village = VillageFactory(name="Elspeet", slug="elspeet", municipality=municipality)
    VillageFactory(name="Vierhouten", slug="vierhouten", municipality=municipality)
    VillageFactory(name="Hulshorst", slug="hulshorst", municipality=municipality)
    decision = DecisionFactory(
        initiative__village=village,
        initiative__title="Een speeltuin bij het dorpshuis",
        initiative__themes=[ThemeFactory()],
    )
    initiative = decision.initiative
    CostLineFactory(initiative=initiative)
    return {
        "municipality": municipality,
        "village": village,
        "initiative": initiative,
        "token": tracking_token_issue(initiative=initiative),
    }


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_first_load_is_light_and_local(page, live_server, site, name):
    path = PUBLIC_PAGES[name](site)
    responses = []
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: responses.append(response))

    response = page.goto(path)
    page.wait_for_load_state("networkidle")

    assert response.status == 200, f"{path} answered {response.status}"
    raw = compressed = 0
    for item in responses:
        if 300 <= item.status < 400:
            continue  # a redirect has no body to read
        body = item.body()
        raw += len(body)
        compressed += len(gzip.compress(body, 6))
    shown = path.replace(site["token"], "<token>")  # the private link stays out of the report
    _rows[name] = (shown, len(responses), raw, compressed)
    print(f"\n{name} {shown}: {len(responses)} requests, {raw} raw bytes, {compressed} gzip bytes")

    own = _origin(live_server.url)
    foreign = [url for url in requested if not url.startswith(("data:", "blob:")) and _origin(url) != own]
    assert not foreign, f"{path} requested other hosts: {foreign}"
    assert compressed <= BUDGET, f"{path} transfers {compressed} gzip bytes, more than {BUDGET}"
