"""The offline verifier page: a small web page on 127.0.0.1 for an employer who checks credentials.

Usage::

    from skillspas.verifier.page import PageSettings, create_page_app
    app = create_page_app(PageSettings(bundle=Bundle.from_file("bundle.json")))
    # or from a shell:  skillspas verifier --bundle bundle.json --port 8765

Upload a file (credential or presentation JSON, or a photo of a QR code), paste QR text or JSON,
or scan with the laptop camera; the page shows the verdict (green, orange, red), who issued what,
the skills with their ESCO labels, and for a passport the verified-skills summary with an optional
vacancy match. HTML, CSS, script and the QR reader (zxing-wasm) are served by the page itself.
FastAPI is imported only in this package, and only when the app is built (``create_page_app``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skillspas.verifier.page.settings import PageSettings
    from skillspas.verifier.page.app import create_page_app

__all__ = ["PageSettings", "create_page_app"]


def __getattr__(name: str) -> Any:
    """``create_page_app`` loads FastAPI only when asked for, ``PageSettings`` pydantic (``skillspas verify``
    reads the page's texts and needs neither)."""
    if name == "PageSettings":
        from skillspas.verifier.page.settings import PageSettings

        return PageSettings
    if name == "create_page_app":
        from skillspas.verifier.page.app import create_page_app

        return create_page_app
    raise AttributeError(f"module 'skillspas.verifier.page' has no attribute {name!r}")
