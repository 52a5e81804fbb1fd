"""Security headers and settings: CSP without inline code, HSTS, frame denial, `check --deploy` clean."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "example.nl",
}


class DeployCheckTests:
    def test_check_deploy_with_production_variables_prints_no_warnings(self, tmp_path):
        # A clean environment: only the production variables, so the settings' own defaults are
        # checked and nothing leaks in from the test settings (which relax HTTPS for the test client).
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(tmp_path)),
            "VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": secrets.token_urlsafe(60)[:60],
            **PRODUCTION_ENV,
        }
        result = subprocess.run(  # noqa: S603 (fixed arguments)
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "WARNINGS" not in output, output
        assert "no issues" in output


@pytest.mark.django_db
class SecurityHeaderTests:
    def test_home_page_carries_a_strict_content_security_policy(self, client):
        response = client.get(reverse("initiatives:home"))

        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy

    def test_home_page_denies_framing_sniffing_and_foreign_referrers(self, client):
        response = client.get(reverse("initiatives:home"))

        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_admin_login_carries_the_same_policy(self, client):
        response = client.get(reverse("admin:login"))

        assert response.status_code == 200
        assert "unsafe-inline" not in response["Content-Security-Policy"]

    @override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
    @override_settings(SECURE_SSL_REDIRECT=False)
    def test_secure_request_gets_strict_transport_security(self, client):
        response = client.get(reverse("initiatives:home"), secure=True)

        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

    @override_settings(SECURE_HSTS_SECONDS=31_536_000)
    def test_plain_http_request_gets_no_strict_transport_security(self, client):
        response = client.get(reverse("initiatives:home"))

        assert "Strict-Transport-Security" not in response

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_redirected_to_https_when_switched_on(self, client):
        response = client.get(reverse("initiatives:home"))

        assert response.status_code == 301
        assert response["Location"].startswith("https://")

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_health_probe_over_plain_http_is_not_redirected(self, client):
        response = client.get("/healthz/")

        assert response.status_code != 301
