# One image for web, worker and beat, carrying the product only (.dockerignore lists what
# stays out). Two stages:
#   build    installs the runtime lock (requirements/base.txt, with hashes) into /opt/venv,
#            the npm lock (Bootstrap) with npm ci, compiles the translations and collects the
#            static files; nothing is fetched from a CDN at run time;
#   runtime  the same Python base with Pango and a font for WeasyPrint (PDF letters and
#            reports), /opt/venv, the source and the collected static files; it runs as the
#            unprivileged user `app` (uid 1000), who may write in var/, var/media and var/mail only.
# No gettext, Node.js, npm, node_modules/, pip, tests or development tools are in it.
FROM python:3.11-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Exactly the locked versions:
# --require-hashes refuses anything unpinned or with another hash; --no-deps installs the lock
# (the whole closure) as it stands, and `pip check` confirms it fits together (see Makefile).
COPY requirements/base.txt requirements/base.txt
# pip and setuptools are for installing only: they stay behind in this stage.
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements/base.txt \
    && /opt/venv/bin/python -m pip check \
    && /opt/venv/bin/python -m pip uninstall --yes --quiet pip setuptools
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

COPY . .
# A throw-away key: these commands need settings, not secrets. Then the build-only files go.
RUN SECRET_KEY=build-only-not-secret /opt/venv/bin/python manage.py compilemessages --ignore=node_modules --ignore=var -v 0 \
    && SECRET_KEY=build-only-not-secret /opt/venv/bin/python manage.py collectstatic --noinput -v 0 \
    && rm -rf node_modules package.json package-lock.json requirements \
    && find . -name __pycache__ -type d -prune -exec rm -rf {} +


FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    NODE_MODULES_COLLECTED=true

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1000 app \
    && useradd --create-home --uid 1000 --gid app app

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Source and collected static files belong to root (read-only for `app`); only var/ (uploads,
# mails, the beat schedule) is writable.
COPY --from=build /app /app
RUN mkdir -p var/media var/mail \
    && chown app:app var var/media var/mail

# By number, so an orchestrator can verify it is not root (runAsNonRoot).
USER 1000:1000
EXPOSE 8000
# Access log without paths or addresses: private tracking links carry a token in the path.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--access-logformat", "%(t)s %(m)s %(s)s %(b)s %(M)sms"]
