"""The product's settings and URLs plus one bare insert view, for `bench/server.py` only.

Nothing in the product imports this package; `config/urls.py` does not know the bare view.
"""
