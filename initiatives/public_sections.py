"""Sections that higher apps add to a municipality's public page (budgets: its budget rounds).

A provider takes the municipality and returns a section to show, `{"template": name,
"context": {...}}`, or None. Apps register their provider in AppConfig.ready(), so this app
knows none of them (the layers of pyproject.toml)."""

from collections.abc import Callable

_providers: list[Callable] = []


def register_municipality_section(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def municipality_sections(municipality) -> list[dict]:
    return [section for provider in _providers if (section := provider(municipality))]
