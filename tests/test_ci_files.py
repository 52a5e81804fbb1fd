"""The files behind `make run`, `make test` and CI stay consistent with each other."""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_procfile_starts_web_worker_and_beat():
    processes = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )

    assert set(processes) == {"web", "worker", "beat"}
    assert "runserver" in processes["web"]
    assert "celery -A config worker" in processes["worker"]
    assert "celery -A config beat" in processes["beat"]


def test_makefile_recipes_are_indented_with_tabs():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))

    assert {"setup", "run", "test", "lint", "messages", "clean"} <= targets
    assert not re.search(r"^ {2,}\S", makefile, flags=re.MULTILINE), "make needs tabs, not spaces"


def test_ci_script_is_valid_bash():
    bash = shutil.which("bash")
    result = subprocess.run([bash, "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True, check=False)  # noqa: S603

    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------
# Lock files, the image and the vulnerability check (README "Dependencies and the lock files").

LOCK_BASE = ROOT / "requirements" / "base.txt"
LOCK_DEV = ROOT / "requirements" / "dev.txt"
# Our code: what runs in production (tests/ and bench/ are development only).
OUR_PACKAGES = ["accounts", "audit", "config", "core", "demo", "initiatives", "municipalities", "notifications"]
OUR_PACKAGES += ["villages", "vision", "budgets", "api"]


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked(lock_file):
    """{name: version} of a pip-compile lock file; every pin must carry a hash."""
    text = lock_file.read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", text, flags=re.MULTILINE))
    unhashed = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*==\S+)\s*$", text, flags=re.MULTILINE)
    assert not unhashed, f"pins without a hash in {lock_file.name}: {unhashed}"
    return {_normalize(name): version for name, version in pins.items()}


def _pyproject():
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _third_party_imports():
    """Top-level modules imported anywhere in our code (function-level imports included)."""
    import ast

    stdlib = set(__import__("sys").stdlib_module_names)
    ours = set(OUR_PACKAGES)
    found = {}
    for package in OUR_PACKAGES + ["manage.py"]:
        paths = [ROOT / package] if package.endswith(".py") else (ROOT / package).rglob("*.py")
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in stdlib and top not in ours:
                        found.setdefault(top, path.relative_to(ROOT))
    return found


def test_runtime_lock_covers_every_import_of_our_code_and_settings():
    from importlib.metadata import packages_distributions

    from django.conf import settings

    modules = _third_party_imports()
    # Imported by name, not by an import statement: apps, middleware, the database driver,
    # the broker client and the server in the image's CMD.
    for dotted in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE, settings.STORAGES["staticfiles"]["BACKEND"]]:
        top = dotted.split(".")[0]
        if top not in OUR_PACKAGES and top != "django":
            modules.setdefault(top, "settings")
    for top in ("psycopg", "redis", "gunicorn"):
        modules.setdefault(top, "servers")
    assert {"django", "celery", "weasyprint", "crispy_bootstrap5", "whitenoise"} <= set(modules)

    distributions = packages_distributions()
    locked = _locked(LOCK_BASE)
    missing = {
        module: str(where)
        for module, where in modules.items()
        if not any(_normalize(dist) in locked for dist in distributions.get(module, [module]))
    }
    assert not missing, f"imported by our code but not in requirements/base.txt: {missing}"


def test_locks_pin_every_declared_dependency_within_its_range_at_one_version():
    from packaging.requirements import Requirement

    project = _pyproject()["project"]
    base, dev = _locked(LOCK_BASE), _locked(LOCK_DEV)
    for lock, declared in ((base, project["dependencies"]), (dev, project["dependencies"])):
        for line in declared:
            requirement = Requirement(line)
            name = _normalize(requirement.name)
            assert name in lock, f"{name} is declared in pyproject.toml but not locked: run `make lock`"
            assert requirement.specifier.contains(lock[name], prereleases=True), (name, lock[name])
    for line in project["optional-dependencies"]["dev"]:
        requirement = Requirement(line)
        name = _normalize(requirement.name)
        assert name in dev, f"{name} is declared in pyproject.toml but not locked: run `make lock`"
        assert requirement.specifier.contains(dev[name], prereleases=True), (name, dev[name])
    # The development set is compiled against the runtime set: one version of each package.
    assert {name: dev[name] for name in base} == base
    assert "weasyprint" in base and "pypdf" in dev and "pypdf" not in base


def test_development_tools_stay_out_of_the_runtime_set():
    project = _pyproject()["project"]
    runtime = {_normalize(re.split(r"[<>=!~\[; ]", line)[0]) for line in project["dependencies"]}
    base, dev = _locked(LOCK_BASE), _locked(LOCK_DEV)

    for tool in ("honcho", "pytest", "ruff", "playwright", "pip-tools", "pip-audit", "factory-boy", "faker"):
        assert tool not in runtime and tool not in base, tool
    assert "honcho" in dev  # `make run` starts web, worker and beat with it
    package = (ROOT / "package.json").read_text()
    assert "htmx" not in package and "htmx" not in (ROOT / "package-lock.json").read_text()


def test_python_version_is_declared_and_the_same_everywhere():
    from packaging.specifiers import SpecifierSet

    project = _pyproject()["project"]
    supported = SpecifierSet(project["requires-python"])
    assert "3.11.7" in supported and "3.12.0" not in supported and "3.10.12" not in supported
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert "with Python 3.11" in LOCK_BASE.read_text() and "with Python 3.11" in LOCK_DEV.read_text()
    bases = re.findall(r"^FROM python:(\S+?)-", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert bases == ["3.11", "3.11"]
    assert "(3, 11)" in (ROOT / "Makefile").read_text() and "(3, 11)" in (ROOT / ".ci" / "run").read_text()


def test_setup_and_ci_install_from_the_locks():
    makefile = (ROOT / "Makefile").read_text()

    assert re.search(r"^\$\(VENV_STAMP\): \$\(LOCK_DEV\)", makefile, flags=re.MULTILINE)
    assert "LOCK_DEV := requirements/dev.txt" in makefile
    # The lock as it stands (the whole closure, no resolving again), then checked as a set.
    assert "--require-hashes --no-deps -r $(LOCK_DEV)" in makefile and "pip check" in makefile
    assert "-e ." not in makefile and "pip install ." not in makefile
    assert "npm ci" in makefile and "npm install" not in makefile
    assert re.search(r"^lock: ", makefile, flags=re.MULTILINE) and "pip-compile" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "pip install" not in ci
    assert "timeout 600" in ci and ".ci/audit_deps.py" in ci


def _dockerignore_matcher():
    """Whether the Docker build context leaves a path out (.dockerignore's rules, simplified)."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, pattern = line.startswith("!"), line.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        rules.append((negate, re.compile(regex)))

    def ignored(path):
        parts = path.split("/")
        result = False
        for negate, regex in rules:
            if any(regex.fullmatch("/".join(parts[:i])) for i in range(1, len(parts) + 1)):
                result = not negate
        return result

    return ignored


def test_the_image_context_carries_the_product_only():
    ignored = _dockerignore_matcher()

    for path in ("bench/run.py", "tests/test_ci_files.py", "var/db.sqlite3", "node_modules/bootstrap/package.json"):
        assert ignored(path), path
    for path in (".venv/bin/python", ".git/HEAD", ".ci/run", "requirements/dev.txt", "Makefile", "Procfile"):
        assert ignored(path), path
    for path in ("README.md", "pyproject.toml", "docker-compose.yml", "core/__pycache__/pdf.cpython-311.pyc"):
        assert ignored(path), path
    for path in ("manage.py", "config/settings/base.py", "requirements/base.txt", "package-lock.json"):
        assert not ignored(path), path
    for package in OUR_PACKAGES + ["templates", "static", "locale"]:
        assert not ignored(f"{package}/x.py"), package


def test_dockerfile_installs_the_runtime_lock_builds_static_files_and_runs_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.split("\nFROM ")[-1]

    assert "pip install --require-hashes --no-deps -r requirements/base.txt" in dockerfile
    assert "pip check" in dockerfile
    assert "dev.txt" not in dockerfile and "pip install ." not in dockerfile
    assert "npm ci --omit=dev" in dockerfile and "collectstatic" in dockerfile
    assert "rm -rf node_modules" in dockerfile
    # The runtime stage: no Node.js or gettext, the collected build, a numeric non-root user last.
    assert "nodejs" not in final_stage and "gettext" not in final_stage
    assert "COPY --from=build /opt/venv /opt/venv" in final_stage and "COPY --from=build /app /app" in final_stage
    user = re.findall(r"^USER (\S+)", final_stage, flags=re.MULTILINE)[-1]
    assert user.split(":")[0] not in {"root", "0"} and user.split(":")[0].isdigit()


def _audit_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / ".ci" / "audit_deps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vulnerability_check_fails_on_a_known_vulnerability():
    import json

    audit = _audit_module()
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}]},
            {"name": "pytest", "version": "9.0", "vulns": []},
        ]
    }
    status, lines = audit.classify_pip_audit(1, json.dumps(report), runtime={"django"})
    assert status == audit.VULNERABLE
    assert "django 5.2.0 (runtime): PYSEC-1, fixed in 5.2.1" in lines

    npm = {"vulnerabilities": {"bootstrap": {"severity": "moderate", "range": "<5.3.9"}}}
    npm["metadata"] = {"vulnerabilities": {"info": 0, "low": 0, "moderate": 1, "total": 1}}
    assert audit.classify_npm_audit(1, json.dumps(npm))[0] == audit.VULNERABLE
    clean = {"vulnerabilities": {}, "metadata": {"vulnerabilities": {"info": 0, "moderate": 0, "total": 0}}}
    assert audit.classify_npm_audit(0, json.dumps(clean))[0] == audit.OK
    assert audit.classify_pip_audit(0, json.dumps({"dependencies": [report["dependencies"][1]]}))[0] == audit.OK


def test_vulnerability_check_goes_on_when_the_database_cannot_be_reached():
    import json

    audit = _audit_module()
    not_found = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}

    # No answer at all, an answer without data for any package, npm's error object.
    assert audit.classify_pip_audit(1, None)[0] == audit.UNREACHABLE
    assert audit.classify_pip_audit(0, json.dumps({"dependencies": [not_found]}))[0] == audit.UNREACHABLE
    assert audit.classify_npm_audit(1, json.dumps({"message": "405 Method Not Allowed"}))[0] == audit.UNREACHABLE
    assert audit.classify_npm_audit(1, "")[0] == audit.UNREACHABLE
    assert audit.locked_names(LOCK_BASE) >= {"django", "weasyprint"}


# ---------------------------------------------------------------------------------------
# Object storage (README "Object storage"): CI runs the file tests against a real S3-compatible server.
S3_MARKED = (
    "tests/initiatives/test_letters.py",
    "tests/initiatives/test_retention.py",
    "tests/initiatives/test_pending_uploads.py",
    "tests/initiatives/test_submit_form.py",
)


def test_ci_runs_the_file_tests_against_an_s3_server_it_starts_and_stops():
    script = (ROOT / ".ci" / "run").read_text()
    section = script.split('section "Object storage', 1)[1].split("\nsection ", 1)[0]

    assert ".venv/bin/moto_server" in section and "&\nS3_PID=$!" in section  # in the background, on a free port
    assert "create_bucket" in section
    assert "AWS_STORAGE_BUCKET_NAME=" in section and "AWS_S3_ENDPOINT_URL=" in section
    assert '"$BIN_PYTEST" -m s3' in section and "-u DATABASE_URL" in section  # only those tests, SQLite
    assert 'kill "$S3_PID"' in section  # and cleanup() stops whatever is left
    assert "descendants $$" in script.split("cleanup() {", 1)[1]
    for path in S3_MARKED:
        assert "pytest.mark.s3" in (ROOT / path).read_text(), path
    assert "s3:" in (ROOT / "pyproject.toml").read_text()  # a registered marker (--strict-markers)


def test_the_s3_server_is_a_development_package_and_the_s3_backend_a_runtime_one():
    base, dev = _locked(LOCK_BASE), _locked(LOCK_DEV)

    assert "moto" in dev and "moto" not in base
    assert {"django-storages", "boto3"} <= set(base)


def test_compose_keeps_the_files_in_a_private_minio_bucket():
    compose = (ROOT / "docker-compose.yml").read_text()

    assert re.search(r"^  minio:\n    image: minio/minio", compose, flags=re.MULTILINE)
    assert "AWS_STORAGE_BUCKET_NAME:" in compose
    assert "AWS_S3_ENDPOINT_URL: ${AWS_S3_ENDPOINT_URL:-http://minio:9000}" in compose
    assert "mc anonymous set none" in compose  # no public access to the bucket
    assert "minio-data:" in compose
