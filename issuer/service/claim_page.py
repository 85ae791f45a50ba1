"""The page a worker opens at a claim offer's URL (``GET /exchanges/{id}`` from a browser), nl/en.

Usage::

    if wants_html(request.headers.get("accept", "")):
        return HTMLResponse(render(exchanges.view(token), language(request)), headers=PAGE_HEADERS)

It shows what is offered (the credential, the organisation, until when it can be claimed), then the
three ways to claim it: ``skillspas passport claim URL``, the Learner Credential Wallet's deep link, and
a QR code of the URL (drawn by ``skillspas.wallet_export.qr``, inline SVG). A used or expired offer says so
in words from ``skillspas.schemas.messages``. Every text from the offer is escaped; the page loads
nothing (its one stylesheet is inline and allowed by its hash, no script at all).
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Final, Literal

from skillspas.issuer.exchanges import OfferView
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.messages import text
from skillspas.verifier.page.app import SECURITY_HEADERS
from skillspas.wallet_export.qr import qr_for_text
from skillspas.wallet_export.view import TEXT, describe

__all__ = ["render", "render_error", "wants_html", "language", "PAGE_HEADERS", "CLAIM_PAGE_CSP"]

Lang = Literal["nl", "en"]

_CSS: Final = (
    "body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9;line-height:1.45}"
    "main{max-width:40rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}"
    "h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.5rem}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;background:#fff;padding:1rem;border-radius:.5rem}"
    "dt{font-weight:600}dd{margin:0}"
    "pre{background:#fff;padding:.75rem;border-radius:.5rem;white-space:pre-wrap;word-break:break-all}"
    "figure{margin:0}svg{max-width:100%;height:auto}"
    ".state{background:#fff3cd;border-left:.3rem solid #b8860b;padding:.75rem}"
    ".lang{text-align:right}.note{color:#555;font-size:.9rem}"
)
CLAIM_PAGE_CSP: Final = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    + "'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""Nothing is loaded: the page's own inline stylesheet (by its hash), no script, no frame, no form."""
PAGE_HEADERS: Final = {
    **{name: value for name, value in SECURITY_HEADERS if name != "content-security-policy"},
    "content-security-policy": CLAIM_PAGE_CSP,
    "cache-control": "no-store",  # the URL is the offer's secret
}

_WORDS: Final[dict[str, dict[Lang, str]]] = {
    "heading": {"nl": "Bewijsstuk ophalen", "en": "Claim a credential"},
    "intro": {"nl": "{org} biedt je dit bewijsstuk aan. Bij het ophalen komt jouw DID erin te staan.",
              "en": "{org} offers you this credential. When you claim it, your DID is written into it."},
    "claim_until": {"nl": "Op te halen tot", "en": "Can be claimed until"},
    "with_skillspas": {"nl": "Met skillspas", "en": "With skillspas"},
    "skillspas_how": {"nl": "Voer dit uit op je computer (na eenmalig skillspas passport init):",
                      "en": "Run this on your computer (after skillspas passport init, once):"},
    "with_lcw": {"nl": "Met de Learner Credential Wallet", "en": "With the Learner Credential Wallet"},
    "lcw_link": {"nl": "Openen in de Learner Credential Wallet", "en": "Open in the Learner Credential Wallet"},
    "with_phone": {"nl": "Met je telefoon", "en": "With your phone"},
    "phone_how": {"nl": "Scan deze code met je wallet; hij bevat het adres hieronder.",
                  "en": "Scan this code with your wallet; it holds the address below."},
    "qr_label": {"nl": "QR-code van het ophaaladres", "en": "QR code of the claim address"},
    "secret": {"nl": "Wie dit adres heeft, kan het bewijsstuk één keer ophalen: deel het met niemand anders.",
               "en": "Whoever has this address can claim the credential once: do not share it."},
    "other_language": {"nl": "English", "en": "Nederlands"},
    "unknown_org": {"nl": "Een organisatie", "en": "An organisation"},
}
_STATE_CODES: Final = {"used": ErrorCode.OFFER_USED, "expired": ErrorCode.OFFER_EXPIRED}


def wants_html(accept: str) -> bool:
    """Whether an ``Accept`` header prefers ``text/html`` to JSON (a browser; ``*/*`` alone is an API client)."""
    weights: dict[str, float] = {}
    for part in accept.split(",")[:50]:
        media, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[media.strip().lower()] = max(weight, weights.get(media.strip().lower(), 0.0))
    return weights.get("text/html", 0.0) > max(weights.get("application/json", 0.0), 0.0)


def language(query: str | None, accept_language: str) -> Lang:
    """``?lang=`` when it is nl or en, else English when the browser puts it before Dutch; Dutch by default."""
    if query in ("nl", "en"):
        return "en" if query == "en" else "nl"
    for part in accept_language.lower().split(",")[:20]:
        tag = part.strip().split(";")[0].split("-")[0]
        if tag in ("nl", "en"):
            return "en" if tag == "en" else "nl"
    return "nl"


def _page(lang: Lang, body: str) -> str:
    other: Lang = "en" if lang == "nl" else "nl"
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><title>{_WORDS["heading"][lang]} · skillspas</title>'
            f'<style>{_CSS}</style></head><body><main>'
            f'<p class="lang"><a href="?lang={other}" hreflang="{other}">{_WORDS["other_language"][lang]}</a></p>'
            f'<h1>{_WORDS["heading"][lang]}</h1>{body}</main></body></html>')


def render(view: OfferView, lang: Lang = "nl") -> str:
    """The offer's page in ``lang``: what is offered, and how to claim it (or why it cannot be claimed any more)."""
    e = html.escape
    shown = describe(view.credential, lang)
    org = view.org_name or _WORDS["unknown_org"][lang]
    rows = [(TEXT["title"][lang], shown.title), (TEXT["kind"][lang], shown.kind), (TEXT["issuer"][lang], org)]
    if shown.valid_until:
        rows.append((TEXT["valid_until"][lang], shown.valid_until))
    rows.append((_WORDS["claim_until"][lang], view.offer.expires.strftime("%Y-%m-%d %H:%M UTC")))
    facts = "".join(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>" for label, value in rows)
    body = f'<p>{e(_WORDS["intro"][lang].format(org=org))}</p><dl class="offer">{facts}</dl>'
    code = _STATE_CODES.get(view.state)
    if code is not None:
        return _page(lang, body + f'<p class="state" role="status" data-state="{view.state}">{e(text(code, lang))}</p>')
    url = view.offer.url
    body += (
        f'<section id="skillspas"><h2>{_WORDS["with_skillspas"][lang]}</h2><p>{_WORDS["skillspas_how"][lang]}</p>'
        f'<pre><code>skillspas passport claim {e(url)}</code></pre></section>'
        f'<section id="lcw"><h2>{_WORDS["with_lcw"][lang]}</h2>'
        f'<p><a href="{e(view.offer.lcw_deep_link)}" rel="noreferrer">{_WORDS["lcw_link"][lang]}</a></p></section>'
        f'<section id="qr"><h2>{_WORDS["with_phone"][lang]}</h2><p>{_WORDS["phone_how"][lang]}</p>'
        f'<figure role="img" aria-label="{_WORDS["qr_label"][lang]}">{qr_for_text(url, mode="byte").svg()}</figure>'
        f'<p><code>{e(url)}</code></p></section>'
        f'<p class="note">{_WORDS["secret"][lang]}</p>'
    )
    return _page(lang, body)


def render_error(error: SkillspasError, lang: Lang = "nl") -> str:
    """A page for an offer that cannot be shown (an unknown address): the coded reason in words."""
    return _page(lang, f'<p class="state" role="status" data-code="{error.code.value}">{html.escape(error.text(lang))}</p>')
