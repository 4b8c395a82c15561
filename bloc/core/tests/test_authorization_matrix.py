"""Every URL pattern has a row; every row holds for every persona."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import bloc
from bloc.core.authz import PERSONAS, Row

# Third-party URL sets, each with the reason they are not in an app's matrix.
THIRD_PARTY = {
    "admin": "Django admin: staff flag only; checked below",
    "allauth": "sign-in, code login, second factor: public by design, rate-limited",
}


def _rows() -> list[Row]:
    rows: list[Row] = []
    for module in pkgutil.iter_modules(bloc.__path__):
        try:
            matrix = importlib.import_module(f"bloc.{module.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        rows.extend(matrix.ROWS)
    return rows


def _patterns(resolver=None, namespace="", module=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            mod = getattr(entry.urlconf_module, "__name__", "") or module
            yield from _patterns(
                entry,
                f"{namespace}:{entry.namespace}" if entry.namespace and namespace else ns,
                mod,
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield name, f"{namespace}|{module or entry.lookup_str}"


def _third_party(name: str, module: str) -> bool:
    return name.startswith("admin:") or module.startswith("admin|") or "allauth" in module


def test_every_url_pattern_has_a_row_in_the_matrix():
    covered = {row.name for row in _rows()}
    missing = sorted(
        name or module
        for name, module in _patterns()
        if not _third_party(name, module) and name not in covered
    )
    assert not missing, f"URL patterns without an authorization row: {missing}"


def test_the_matrix_names_only_real_urls():
    names = {name for name, _ in _patterns()}
    assert {row.name for row in _rows()} <= names


@pytest.mark.parametrize(
    "row", _rows(), ids=lambda r: f"{r.name}{' (' + r.note + ')' if r.note else ''}"
)
def test_row(row: Row, client, personas):
    url = row.url(personas)
    for persona in PERSONAS:
        client.logout()
        user = None if persona == "anon" else getattr(personas, persona)
        extra = row.headers(user) if row.headers else {}
        if user is not None and not extra:
            client.force_login(user)
        response = getattr(client, row.method)(url, row.data, **extra)
        assert response.status_code == row.expect[persona], (
            f"{persona} {row.method.upper()} {url}: got {response.status_code}, "
            f"expected {row.expect[persona]}"
        )


def test_the_admin_is_closed_to_every_persona(client, personas):
    for persona in PERSONAS[1:]:
        client.force_login(getattr(personas, persona))
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
