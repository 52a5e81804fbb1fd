"""Django's PostgreSQL backend with one change in how it writes a few rows at once (`compiler`).

`config/settings/base.py` names it as the ENGINE whenever DATABASE_URL is PostgreSQL.
"""
