"""``is_web_url``: the one check that a string is an http(s) URL with a host (``--trust-issuer``, ``passport claim``)."""

from __future__ import annotations

import pytest

from skillspas.schemas.vc import is_web_url


@pytest.mark.parametrize("value", [
    "https://vc.example/issuers/5678", "http://127.0.0.1:8000/exchanges/x", "https://roc.example:443/",
    "https://[::1]:8443/x", "HTTPS://roc.example/x",
])
def test_an_http_or_https_url_with_a_host_is_a_web_url(value):
    assert is_web_url(value)


@pytest.mark.parametrize("value", [
    None, 3, "", "https://", "https:///x", "https://:80/x", "https://user@/x", "ftp://roc.example/x",
    "file:///etc/passwd", "did:web:roc.example", "vc.example/issuers/5678", "not a url",
    "https:// vc.example", "https://roc.example/ex changes", "https://roc.example/x\n", "https://roc\t.example/x",
    "http://[::1", "https://h:x/", "https://roc.example:99999/x", "https://roc.example:0/x",
])
def test_a_value_without_scheme_host_or_a_usable_port_or_with_whitespace_is_no_web_url(value):
    assert not is_web_url(value)
