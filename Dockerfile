# One image for web, worker and beat. Assets come from npm packages at build time and are
# collected into the image; nothing is fetched from a CDN at run time. Pango and a font are for
# WeasyPrint (PDF letters and reports).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.base

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext nodejs npm \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

COPY . .
# A throw-away key: these commands need settings, not secrets.
RUN SECRET_KEY=build-only-not-secret python manage.py compilemessages --ignore=node_modules --ignore=var -v 0 \
    && SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home --uid 1000 app \
    && mkdir -p var/media var/mail \
    && chown -R app:app var

USER app
EXPOSE 8000
# Access log without paths or addresses: private tracking links carry a token in the path.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--access-logformat", "%(t)s %(m)s %(s)s %(b)s %(M)sms"]
