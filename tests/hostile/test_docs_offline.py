"""/docs and /redoc work offline: every script, style sheet and icon comes from the service itself."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_documentation_loads_only_from_the_service_itself(service, page):
    response = service.client.get(page)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    html = response.text
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html), html
    assert "validator.swagger.io" not in html and "fonts.googleapis" not in html
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/[^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets), html
    for asset in assets:
        served = service.client.get(asset)
        assert served.status_code == 200 and len(served.content) > 1000, asset


def test_swagger_ui_is_told_not_to_ask_an_online_validator(service):
    html = service.client.get("/docs").text
    assert re.search(r'"validatorUrl"\s*:\s*null', html), html
