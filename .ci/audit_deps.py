"""Known vulnerabilities in the locked dependencies: CI and `make audit`.

Python: pip-audit on requirements/dev.txt (the runtime set plus the development tools, one
version of each), against the package index's vulnerability data; hashes are required and pip
is not run. npm: `npm audit` on package-lock.json, against the npm registry's advisories.

A dependency with a known vulnerability fails the check (exit 1). A vulnerability database
that cannot be reached (no answer within the time limit, an error, or no data for any of the
locked packages) is said loudly and does not fail the check: CI goes on. Standard library only.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK_BASE = ROOT / "requirements" / "base.txt"
LOCK_DEV = ROOT / "requirements" / "dev.txt"
PIP_AUDIT_TIMEOUT = 300  # seconds for the whole run; each request has its own 20 s below
NPM_AUDIT_TIMEOUT = 180

OK, VULNERABLE, UNREACHABLE = "ok", "vulnerable", "unreachable"


def locked_names(lock_file):
    """The package names pinned in a pip-compile lock file."""
    return set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", Path(lock_file).read_text(), flags=re.MULTILINE))


def classify_pip_audit(returncode, report, runtime=frozenset()):
    """(status, lines) from pip-audit's exit code and its JSON report (None when it wrote none)."""
    if not report:
        reason = f"pip-audit wrote no report (exit {returncode}): the vulnerability database did not answer"
        return UNREACHABLE, [reason]
    try:
        dependencies = json.loads(report)["dependencies"]
    except (ValueError, KeyError, TypeError):
        return UNREACHABLE, [f"pip-audit's report could not be read (exit {returncode})"]
    skipped = [dep["name"] for dep in dependencies if dep.get("skip_reason")]
    audited = [dep for dep in dependencies if not dep.get("skip_reason")]
    if dependencies and not audited:
        return UNREACHABLE, [
            f"the vulnerability database has no data for any of the {len(skipped)} locked packages: "
            "it cannot be reached from here, nothing was checked"
        ]
    lines = []
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    for dep in vulnerable:
        where = "runtime" if dep["name"] in runtime else "development"
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            lines.append(f"{dep['name']} {dep['version']} ({where}): {vuln['id']}, fixed in {fixed}")
    if skipped:
        lines.append(f"not checked (no data in the database): {', '.join(sorted(skipped))}")
    status = VULNERABLE if vulnerable else OK
    lines.insert(0, f"{len(audited)} locked Python packages checked, {len(vulnerable)} with known vulnerabilities")
    return status, lines


def classify_npm_audit(returncode, report):
    """(status, lines) from `npm audit --json`'s exit code and output."""
    try:
        data = json.loads(report or "")
    except ValueError:
        data = None
    if not isinstance(data, dict) or "metadata" not in data:
        reason = (data or {}).get("message") if isinstance(data, dict) else None
        reason = f"npm audit got no answer from the advisory database (exit {returncode}): {reason or 'no report'}"
        return UNREACHABLE, [reason]
    counts = data["metadata"].get("vulnerabilities", {})
    total = sum(n for severity, n in counts.items() if severity not in {"total", "info"})
    checked = data["metadata"].get("dependencies", {}).get("total", "?")
    lines = [f"{checked} locked npm packages checked, {total} known vulnerabilities"]
    for name, vuln in sorted(data.get("vulnerabilities", {}).items()):
        if vuln.get("severity") != "info":
            lines.append(f"{name} ({vuln.get('severity')}), affected: {vuln.get('range', '?')}")
    return (VULNERABLE if total else OK), lines


def run(command, timeout, **kwargs):
    """(returncode, stdout), or (None, '') when the command took longer than `timeout` seconds."""
    try:
        result = subprocess.run(  # noqa: S603 (our own fixed command lines)
            command, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT, **kwargs
        )
    except subprocess.TimeoutExpired:
        return None, ""
    except FileNotFoundError as error:
        return 127, str(error)
    return result.returncode, result.stdout


def audit_python():
    pip_audit = Path(sys.executable).parent / "pip-audit"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pip-audit.json"
        command = [str(pip_audit), "--requirement", str(LOCK_DEV), "--require-hashes", "--disable-pip"]
        command += ["--progress-spinner", "off", "--timeout", "20", "--format", "json", "--output", str(out)]
        returncode, _ = run(command, PIP_AUDIT_TIMEOUT)
        if returncode is None:
            return UNREACHABLE, [f"pip-audit did not finish within {PIP_AUDIT_TIMEOUT}s: the database did not answer"]
        report = out.read_text() if out.exists() else None
    return classify_pip_audit(returncode, report, runtime=locked_names(LOCK_BASE))


def audit_npm():
    env = {**os.environ, "npm_config_fetch_retries": "0", "npm_config_fetch_timeout": "30000"}
    returncode, output = run(["npm", "audit", "--package-lock-only", "--json"], NPM_AUDIT_TIMEOUT, env=env)
    if returncode is None:
        return UNREACHABLE, [f"npm audit did not finish within {NPM_AUDIT_TIMEOUT}s: the database did not answer"]
    return classify_npm_audit(returncode, output)


def main():
    failed = False
    for label, check in (("Python (requirements/dev.txt)", audit_python), ("npm (package-lock.json)", audit_npm)):
        status, lines = check()
        if status == UNREACHABLE:
            print(f"  {label}: WARNING: NOT CHECKED, the vulnerability database cannot be reached; going on")
        else:
            print(f"  {label}: {'FAILED, known vulnerabilities' if status == VULNERABLE else 'OK'}")
        for line in lines:
            print(f"    {line}")
        failed = failed or status == VULNERABLE
    if failed:
        print("  Upgrade the package (README: 'Dependencies and the lock files') and run this again.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
