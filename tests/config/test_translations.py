"""The Dutch catalogue is complete, up to date with the code, and compiled.

Dutch is the default language (LANGUAGE_CODE = "nl"), so every English source string needs a
Dutch translation: no untranslated and no fuzzy entries. No database is needed.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

from tests.sources import application_modules

PO_PATH = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The same ignores as `make messages` and the translators' command.
IGNORES = [".venv", "node_modules", "var", "tests"]
# What not to copy into the scratch project: the ignores, plus caches and build output.
COPY_IGNORE = shutil.ignore_patterns(
    *IGNORES,
    ".git",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "*.pyc",
    "*.mo",
    "*.po",
    "*.egg-info",
    "staticfiles",
    "test-results",
)

MSGFMT_MISSING = "msgfmt (GNU gettext) is missing: install gettext, then run `make setup`."

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


def parse_po(path):
    """A tiny .po reader: a list of dicts with msgctxt, msgid, msgid_plural, msgstr (a list),
    fuzzy and obsolete. Good enough for what makemessages writes."""
    entries = []
    entry = None
    field = None

    def new_entry():
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "fuzzy": False, "obsolete": False}

    def finish():
        if entry is not None and entry["msgid"] is not None:
            entry["msgstr"] = [entry["msgstr"][k] for k in sorted(entry["msgstr"])]
            entries.append(entry)

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # "#~|" previous msgid of an obsolete fuzzy entry
                continue
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#") and not obsolete:
            # A comment after a msgstr starts a new entry.
            if entry is not None and entry["msgstr"]:
                finish()
                entry, field = None, None
            if entry is None:
                entry = new_entry()
            if line.startswith("#,") and "fuzzy" in [f.strip() for f in line[2:].split(",")]:
                entry["fuzzy"] = True
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, value = match.group(1), ast.literal_eval(match.group(2))
            if keyword in ("msgctxt", "msgid") and entry is not None and entry["msgstr"]:
                finish()
                entry = None
            if entry is None:
                entry = new_entry()
            entry["obsolete"] = entry["obsolete"] or obsolete
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry["msgstr"][index] = value
                field = ("msgstr", index)
            else:
                entry[keyword] = value
                field = keyword
        elif line.startswith('"') and entry is not None and field is not None:
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
    finish()
    return entries


def _key(entry):
    return (entry["msgctxt"], entry["msgid"])


def _label(key):
    context, msgid = key
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def _is_translated(entry):
    return bool(entry["msgstr"]) and all(entry["msgstr"]) and not entry["fuzzy"]


def _messages(entries):
    """The active (not obsolete) messages, without the header."""
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


@pytest.fixture(scope="module")
def compiled_catalogue():
    """The compiled .mo. `make setup` builds it; compile it here when it is missing or stale."""
    if not MO_PATH.exists() or MO_PATH.stat().st_mtime < PO_PATH.stat().st_mtime:
        if shutil.which("msgfmt") is None:
            pytest.fail(f"{MO_PATH} is missing or out of date and cannot be compiled. {MSGFMT_MISSING}")
        call_command("compilemessages", locale=["nl"], ignore_patterns=IGNORES, verbosity=0)
        # Forget catalogues loaded before the compile.
        trans_real._translations = {}
        trans_real._default = None
    return MO_PATH


def test_dutch_catalogue_has_no_untranslated_or_fuzzy_entries():
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run `make messages` and translate it."
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail(MSGFMT_MISSING)
    result = subprocess.run(  # noqa: S603 (our own file and a fixed command)
        [msgfmt, "--check", "--statistics", "-o", os.devnull, str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    # msgfmt --check also catches broken placeholders and a bad header.
    assert result.returncode == 0, f"msgfmt --check failed:\n{result.stderr}"
    stats = result.stderr
    fuzzy = int(m.group(1)) if (m := re.search(r"(\d+) fuzzy translations?", stats)) else 0
    untranslated = int(m.group(1)) if (m := re.search(r"(\d+) untranslated messages?", stats)) else 0

    messages = _messages(parse_po(PO_PATH))
    offending = [_label(_key(e)) + (" [fuzzy]" if e["fuzzy"] else "") for e in messages if not _is_translated(e)]
    assert fuzzy == 0 and untranslated == 0 and not offending, (
        f"The Dutch catalogue is incomplete ({stats.strip()}). Translate these and drop the fuzzy flags:\n  "
        + "\n  ".join(offending)
    )


def test_dutch_catalogue_is_up_to_date_with_the_code(tmp_path):
    """Regenerate the catalogue from a copy of the source: every string must already be translated."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (GNU gettext) is missing: install gettext, then run `make setup`.")
    base = Path(settings.BASE_DIR)
    project = tmp_path / "project"
    shutil.copytree(base, project, ignore=COPY_IGNORE, symlinks=True)
    (project / "locale" / "nl" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "VAR_DIR": str(tmp_path / "var")}
    command = [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-location"]
    command += [f"--ignore={pattern}" for pattern in IGNORES]
    result = subprocess.run(  # noqa: S603 (the project's own manage.py, fixed arguments)
        command, cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    regenerated = {_key(e) for e in _messages(parse_po(project / "locale" / "nl" / "LC_MESSAGES" / "django.po"))}
    committed_entries = parse_po(PO_PATH)
    committed = {_key(e): e for e in _messages(committed_entries)}

    new = sorted(k for k in regenerated if k not in committed or not _is_translated(committed[k]))
    assert not new, (
        "The code has strings that the Dutch catalogue lacks. Run `make messages` and translate:\n  "
        + "\n  ".join(_label(k) for k in new)
    )

    stale = sorted(k for k in committed if k not in regenerated)
    obsolete = [e for e in committed_entries if e["obsolete"] and e["msgid"]]
    if stale or obsolete:
        warnings.warn(
            f"The Dutch catalogue has {len(stale)} entries no longer in the code and {len(obsolete)} obsolete (#~) "
            "entries; `make messages` (--no-obsolete) removes them.",
            stacklevel=1,
        )


def test_dutch_is_served_from_the_compiled_catalogue(compiled_catalogue):
    with translation.override("nl"):
        assert translation.gettext("Submitted") == "Ingediend", (
            f"{compiled_catalogue} does not translate 'Submitted': run `make setup` to compile the messages."
        )
    with translation.override("en"):
        assert translation.gettext("Submitted") == "Submitted"


LAZY_GETTEXT = {"_", "gettext_lazy", "pgettext_lazy", "ngettext_lazy"}


def _formatted_at_import_time(tree):
    """`_("...") % {...}` or `_("...").format(...)` outside a function: formatted once, in the
    language that was active when the module was imported, and so Dutch on an English page."""

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if not inside:
                call = None
                if isinstance(child, ast.BinOp) and isinstance(child.op, ast.Mod):
                    call = child.left
                elif (
                    isinstance(child, ast.Call)
                    and isinstance(child.func, ast.Attribute)
                    and child.func.attr == "format"
                ):
                    call = child.func.value
                if isinstance(call, ast.Call):
                    name = getattr(call.func, "id", getattr(call.func, "attr", None))
                    if name in LAZY_GETTEXT:
                        yield child.lineno
            yield from walk(child, inside)

    yield from walk(tree, False)


def test_no_translated_text_is_formatted_at_import_time():
    found = [f"{path}:{line}" for path, tree in application_modules() for line in _formatted_at_import_time(tree)]
    assert found == [], "format these in a function (django.utils.functional.lazy), not at import time"


@pytest.mark.django_db
def test_the_attachment_help_text_is_english_on_an_english_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/initiatieven/nieuw/").content.decode()
    assert "At most 5 files of at most 10 MB each" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert "At most 5 files" not in client.get("/initiatieven/nieuw/").content.decode()


# The names xgettext looks for (Django's makemessages): a translation function imported under any
# other name is never extracted, so its Dutch would be dropped by the next `make messages`.
EXTRACTED_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext"}
EXTRACTED_NAMES |= {"pgettext_lazy", "npgettext", "npgettext_lazy", "gettext_noop"}


def test_translation_functions_are_imported_under_names_makemessages_knows():
    renamed = []
    for path, tree in application_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if "gettext" in alias.name and (alias.asname or alias.name) not in EXTRACTED_NAMES:
                        renamed.append(f"{path}: {alias.name} as {alias.asname}")
    assert not renamed, "makemessages does not extract strings marked with these names:\n  " + "\n  ".join(renamed)
