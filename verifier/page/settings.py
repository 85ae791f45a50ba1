"""``PageSettings``: everything the verifier page is configured with, in one frozen object.

Usage::

    settings = PageSettings(bundle=Bundle.from_file("bundle.json"), lang="nl")
    verifier = settings.verifier()          # the same Verifier ``skillspas verify`` builds
    app = create_page_app(settings)         # skillspas.verifier.page

The trust material (a bundle, ``--trust-issuer`` DIDs, ``--trust-anchor`` DIDs) and the bounds
(``Limits``, the largest image) are the ones the command line uses, so the page and
``skillspas verify --json`` give the same verdict for the same input.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from skillspas.schemas.limits import Limits
from skillspas.schemas.vocab import SkillsVocabulary
from skillspas.verifier.bundle import Bundle
from skillspas.verifier.pipeline import Verifier
from skillspas.verifier.qr import MAX_IMAGE_BYTES
from skillspas.verifier.status import DEFAULT_FRESHNESS

__all__ = ["PageSettings", "LANGUAGES"]

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class PageSettings:
    """Trust material, bounds and defaults of one verifier page."""

    bundle: Bundle | None = None
    """The offline bundle: trust list, did:web documents, status lists, extra contexts."""
    bundle_source: str | None = None
    """Where the bundle was read from (shown on the page)."""
    trusted_issuers: tuple[str, ...] = ()
    """Issuer DIDs trusted for every credential type (``--trust-issuer``)."""
    trust_anchors: tuple[str, ...] = ()
    """The bundle's trust list must be signed by one of these (``--trust-anchor``)."""
    contexts: str | os.PathLike[str] | None = None
    """A folder of extra contexts (``--contexts``)."""
    status_freshness: dt.timedelta = DEFAULT_FRESHNESS
    """Status lists older than this are a warning (``--max-status-age``)."""
    limits: Limits = field(default_factory=Limits)
    """The same bounds as ``skillspas verify`` (``--max-bytes``, ``--max-depth``)."""
    max_image_bytes: int = MAX_IMAGE_BYTES
    """Largest QR image accepted (the same as ``skillspas verify --qr``)."""
    deadline: float = 1.8
    """Seconds one check may take before the page answers "took too long" (a backstop; checks are bounded)."""
    concurrency: int = 2
    """Checks running at the same time; more wait their turn."""
    lang: str = "nl"
    """The page's first language ("nl" or "en"); a person switches on the page."""
    allowed_hosts: tuple[str, ...] | None = ("127.0.0.1", "localhost")
    """Host headers answered (DNS-rebinding guard); ``None`` answers any (e.g. when mounted behind a proxy)."""
    vocabulary: SkillsVocabulary | None = None
    """Skills vocabulary for labels and vacancy search (default: the bundled one)."""
    bundle_loader: Callable[[], Bundle | None] | None = None
    """Called for each check instead of using ``bundle``: for a host whose trust material changes while
    the page runs (e.g. the issuer service, whose status lists change with every revocation)."""
    trust_bundle_dids: bool = False
    """Also trust every DID whose document the bundle carries: the issuer service's page checks the
    credentials of its own organisations (and nobody else's)."""

    def __post_init__(self) -> None:
        """Refuse settings that cannot work (programmer errors: ``ValueError``)."""
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}")
        if self.deadline <= 0 or self.concurrency < 1 or self.max_image_bytes < 1:
            raise ValueError("deadline, concurrency and max_image_bytes must be positive")

    @property
    def max_upload_bytes(self) -> int:
        """The largest request body read: a JSON document or a QR image."""
        return max(self.limits.max_bytes, self.max_image_bytes)

    def verifier(self) -> Verifier:
        """A Verifier with this trust material and these bounds (what ``skillspas verify`` builds)."""
        bundle = self.current_bundle()
        return Verifier(
            bundle=bundle,
            contexts=self.contexts,
            trusted_issuers=self.trusted_now(bundle) or None,
            trust_anchors=self.trust_anchors or None,
            status_freshness=self.status_freshness,
            limits=self.limits,
        )

    def trusted_now(self, bundle: Bundle | None) -> tuple[str, ...]:
        """The issuer DIDs trusted for every type: ``trusted_issuers``, and the bundle's DIDs if asked."""
        own = tuple(bundle.did_documents) if self.trust_bundle_dids and bundle is not None else ()
        return tuple(dict.fromkeys((*self.trusted_issuers, *own)))

    def current_bundle(self) -> Bundle | None:
        """The bundle to check against now (from ``bundle_loader`` when one is set)."""
        return self.bundle_loader() if self.bundle_loader is not None else self.bundle

    def skills(self) -> SkillsVocabulary:
        """The skills vocabulary in use."""
        return self.vocabulary or SkillsVocabulary.bundled()
