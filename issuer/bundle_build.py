"""Gather an offline verification bundle from the store: DID documents and signed status lists; and the
same documents as the files of a web site, for an organisation that runs no ``skillspas serve``.

Usage::

    bundle = build_bundle(issuer)                  # skillspas.verifier.bundle.Bundle
    bundle.to_file("roc-bundle.json")              # skillspas verify cred.json --bundle roc-bundle.json
    for page in site_pages(bundle):                # what a web host serves (skillspas org publish)
        write_atomic(site / page.path, page.data, mode=0o644)

The bundle carries no trust list: who is trusted for which credential type is decided by a trust
list issuer, not by the issuer itself (use ``--trust-issuer`` or a bundle with a trust list).
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skillspas.keys.did_web import DID_WEB_PREFIX, did_web_to_path
from skillspas.schemas.errors import ErrorCode, localized_error, shown
from skillspas.verifier.bundle import Bundle

if TYPE_CHECKING:
    from skillspas.issuer.issuing import Issuer

__all__ = ["build_bundle", "SitePage", "site_pages"]


def build_bundle(issuer: Issuer, *, org_id: str | None = None) -> Bundle:
    """The DID documents and current status lists of every organisation (or of one), and the service's
    extra contexts (``Settings.contexts``)."""
    orgs = [issuer.orgs.get(org_id)] if org_id is not None else issuer.orgs.all()
    return Bundle.create(
        did_documents=[org.did_document for org in orgs if org.did.startswith(DID_WEB_PREFIX)],  # did:key: decoded
        status_lists=list(issuer.status_lists(org_id).values()),
        contexts=issuer.extra_contexts,
    )


@dataclass(frozen=True)
class SitePage:
    """One document as a web host serves it: its URL, its file under the site folder (``host/path``), its bytes."""

    url: str
    path: str
    data: bytes


def site_pages(bundle: Bundle) -> list[SitePage]:
    """The bundle's DID documents at their did:web URLs and its status lists at their ids (what ``skillspas
    serve`` answers there): the files a web host must serve for verifiers that fetch them online."""
    pages = [_page(f"https://{path}", path, document)
             for path, document in ((did_web_to_path(did), document) for did, document in bundle.did_documents.items())]
    pages += [_page(url, _site_path(url), document) for url, document in bundle.status_lists.items()]
    return pages


def _page(url: str, path: str, document: dict[str, Any]) -> SitePage:
    return SitePage(url, path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def _site_path(url: str) -> str:
    """``host/a/b`` for ``https://host/a/b``; refused (``invalid_option``) for a URL no file can stand for."""
    parts = urllib.parse.urlsplit(url)
    segments = parts.path.split("/")[1:]
    if (parts.scheme not in ("https", "http") or not parts.netloc or "/" in parts.netloc or "\\" in url
            or parts.query or parts.fragment or not segments
            or any(not s or s.startswith(".") for s in segments)):
        given = shown(url, quoted=True)
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"the status list URL {given} cannot be a file of a web site",
                              nl=f"de statuslijst-URL {given} kan geen bestand van een website zijn")
    return "/".join([parts.netloc, *segments])
