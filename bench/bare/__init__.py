"""The product's settings and URLs plus two bare insert views (an initiative, a ballot), for `bench/server.py` only.

Nothing in the product imports this package; `config/urls.py` does not know the bare views.
"""
