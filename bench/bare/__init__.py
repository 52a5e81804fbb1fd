"""The product's settings and URLs plus bench-only views: bare insert views (an initiative, a
ballot) for `bench/server.py` and an empty staff page for `bench/triage_list.py`.

Nothing in the product imports this package; `config/urls.py` does not know these views.
"""
