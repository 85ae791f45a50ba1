"""Claim offers: a credential issued once to the worker who proves their DID (VC-API exchanges).

Usage::

    exchanges = Exchanges(issuer)
    offer = exchanges.create(org, credential)              # no credentialSubject.id: the worker's DID comes later
    exchanges.request(offer.token)                         # {"verifiablePresentationRequest": {... challenge, domain}}
    exchanges.claim(offer.token, did_auth_presentation)    # {"verifiablePresentation": {... the credential}}
    exchanges.view(offer.token)                            # OfferView: what the claim page shows (open, used, expired)

The protocol is the one the DCC Learner Credential Wallet speaks: ``POST /exchanges/{token}`` with
``{}`` asks what to prove (DID authentication over the offer's challenge and the service's domain);
the same URL with a ``verifiablePresentation`` (proofPurpose ``authentication``) answers the
credential, its ``credentialSubject.id`` the DID that signed, issued through ``Issuer.issue``
(status entries, self-verification, store, audit). The DID-Auth's proof may leave out the ``domain`` (the
Learner Credential Wallet signs only the challenge, a fresh secret of this one offer); a domain it does
carry must be this service's (``domain_mismatch``). An offer is single-use (``offer_used``) and
expires (``offer_expired``); the store keeps only the SHA-256 of the URL token. An offer that names its
credential's ``id`` holds it (``ClaimOffer.reserved_id``): another offer of it, a direct issue or a batch row naming
it is ``duplicate_id`` until the offer's claim has issued it or the offer expires unclaimed. An offer and a direct issue of one id at
the same instant: one wins, the other is ``duplicate_id`` (``queries.credential_id_free`` makes a reservation
wait for the offer's transaction, and a reservation looks for offers after its row is in place). The holder's DID is resolved
offline from the DID itself, so it is a did:key or a did:jwk (``HOLDER_DID_METHODS``); any other method
(did:web, ...) would need the network and is ``did_method_unsupported``. An offer ``skillspas batch --offers`` made
for a CSV row keeps the row's key (``ClaimOffer.row_key``): its claim stores the credential under it, as the batch
stores a row's (``skillspas status ROW_KEY`` finds it, and the batch counts the row as issued).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import quote, urlsplit

from skillspas.issuer import audit, status_registry
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.org_signing import reusing
from skillspas.issuer.preflight import preflight
from skillspas.issuer.orgs import Org
from skillspas.issuer.store import Session
from skillspas.issuer.store.models import ClaimOffer, Organisation
from skillspas.issuer.store.queries import add_offer, credential_id_free, withdraw_offer
from skillspas.keys import LocalSigner, generate
from skillspas.keys.did_jwk import DidJwkResolver
from skillspas.schemas.jsonld.contexts import VC_V2
from skillspas.schemas.errors import ErrorCode, error_for, localized_error
from skillspas.schemas.jsonio import copy_json, parse_json
from skillspas.verifier import Verifier
from skillspas.schemas.vc import types_of

__all__ = ["Exchanges", "Offer", "OfferView", "DEFAULT_TTL", "MIN_TTL", "MAX_TTL", "TOKEN_PATTERN", "HOLDER_DID_METHODS",
           "check_ttl", "offer_id"]

DEFAULT_TTL: Final = dt.timedelta(hours=24)
MIN_TTL: Final = dt.timedelta(seconds=60)
"""The shortest an offer lasts (``POST /exchanges``' ``expiresIn`` minimum)."""
MAX_TTL: Final = dt.timedelta(days=30)
TOKEN_PATTERN: Final = r"^[A-Za-z0-9_-]{32}$"
"""An offer's URL token: 24 random bytes, base64url (what ``secrets.token_urlsafe(24)`` makes)."""
LCW_REQUEST: Final = "https://lcw.app/request.html"
"""The Learner Credential Wallet's deep-link page (``issuer``, ``auth_type=bearer``, ``challenge``, ``vc_request_url``)."""
HOLDER_DID_METHODS: Final = ("did:key", "did:jwk")
"""The DID methods a claiming holder may use: resolved from the DID itself, without the network."""
_NO_OFFER_NL: Final = "Niet gevonden: op dit adres staat geen aanbod om een bewijsstuk op te halen."


@dataclass(frozen=True)
class Offer:
    """A new claim offer: the secret token in its URL, and when it expires."""

    token: str
    url: str
    expires: dt.datetime
    challenge: str = ""

    @property
    def lcw_deep_link(self) -> str:
        """The link that opens the offer in the DCC Learner Credential Wallet (its ``request.html`` deep link, as
        the DCC transaction service makes it): the wallet signs a DID-Auth over ``challenge`` and posts it to
        ``vc_request_url``, this offer's exchange URL."""
        host = urlsplit(self.url).netloc
        return (f"{LCW_REQUEST}?issuer={quote(host, safe='')}&auth_type=bearer&challenge={quote(self.challenge, safe='')}"
                f"&vc_request_url={quote(self.url, safe='')}")

    def to_json(self) -> dict[str, Any]:
        """The answer to ``POST /exchanges``: the URL, its expiry, the QR payload (the URL itself) and the
        Learner Credential Wallet deep link."""
        return {"exchangeUrl": self.url, "expires": self.expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "qr": self.url,
                "lcwDeepLink": self.lcw_deep_link}


@dataclass(frozen=True)
class OfferView:
    """What the offer's page shows: the credential offered (without the worker's DID), by which
    organisation, until when, and whether it can still be claimed."""

    offer: Offer
    credential: dict[str, Any]
    org_name: str
    state: Literal["open", "used", "expired"]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def offer_id(token: str) -> str:
    """The store's id of the offer at ``token`` (its URL's last part): its SHA-256, all the store keeps of it."""
    return _digest(token)


def check_ttl(ttl: dt.timedelta) -> dt.timedelta:
    """``ttl`` when an offer may last that long (``MIN_TTL`` to ``MAX_TTL``); ``invalid_option`` (nl/en) otherwise.
    The one bound of every offer: ``Exchanges.create`` checks it, ``batch --offers`` before its first offer."""
    if not MIN_TTL <= ttl <= MAX_TTL:
        raise localized_error(ErrorCode.INVALID_OPTION,
                              en=f"an offer can be claimed for at least {MIN_TTL.seconds} seconds and at most "
                                 f"{MAX_TTL.days} days (e.g. 7d, 36h or 90m)",
                              nl=f"een aanbod is minstens {MIN_TTL.seconds} seconden en hoogstens {MAX_TTL.days} dagen "
                                 "op te halen (bijvoorbeeld 7d, 36h of 90m)")
    return ttl


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back: they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _subject(document: dict[str, Any]) -> dict[str, Any]:
    """The credential's one ``credentialSubject`` object (the worker's DID goes into it). A refusal points into
    the credential (``/credentialSubject``), as the offer's other checks do; ``POST /exchanges`` answers it as a
    pointer into its body (``/credential/credentialSubject``: ``service.errors.in_body``)."""
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise error_for(ErrorCode.SCHEMA_INVALID, "a claim offer's credential has one credentialSubject object",
                        "/credentialSubject", nl="Het bewijsstuk van een ophaalaanbod heeft één credentialSubject-object.")
    return subject


class Exchanges:
    """Claim offers of the organisations in one issuer's store."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer

    @property
    def domain(self) -> str:
        """The service's host (and port), the DID-Auth ``domain``."""
        return urlsplit(self.issuer.settings.base_url).netloc

    def url(self, token: str) -> str:
        """The offer's exchange URL: what the learner opens (its page) and ``passport claim`` takes."""
        return f"{self.issuer.settings.base_url}/exchanges/{token}"

    def create(self, org: Org, credential: dict[str, Any], *, purposes: tuple[str, ...] | None = None,
               ttl: dt.timedelta = DEFAULT_TTL, row_key: str | None = None, row_digest: str | None = None,
               keep: Callable[[Offer], None] | None = None) -> Offer:
        """Check ``credential`` as it will be issued (with a stand-in DID; an id already taken is ``duplicate_id``
        now), then keep it as a one-time offer; ``row_key``: the batch row (``TYPE/KEY``) it is made for
        (``skillspas batch --offers``), which its claim issues it under, and ``row_digest`` what that row said
        (``batch_worker.row_digest``: a re-run of the row with other data is refused). ``ttl``: how long it can be claimed
        (``check_ttl``: ``MIN_TTL`` to ``MAX_TTL``, as ``POST /exchanges`` and ``batch --offers`` allow).

        ``keep``: called with the new offer (its link) when nothing but its commit is left: where the caller keeps
        the link that the store does not (``batch --offers`` writes it into its folder), so no offer is ever committed
        whose link was not kept first, whenever the process is killed. When it raises, nothing is made. Such an
        offer is marked ``ClaimOffer.link_kept``."""
        org.require("credentials:issue")
        check_ttl(ttl)
        made = self._offer(org, self._checked(org, credential), purposes=purposes, ttl=ttl, row_key=row_key,
                           row_digest=row_digest, keep=keep)
        assert made is not None  # only a withdrawal finds nothing to do
        return made

    def renew(self, org: Org, offer_id: str, *, ttl: dt.timedelta = DEFAULT_TTL,
              keep: Callable[[Offer], None] | None = None) -> Offer | None:
        """Withdraw the open offer ``offer_id`` (the store's id: the SHA-256 of its link) and offer its credential
        anew with a new link, in one transaction: for an offer whose link is lost (``batch --offers`` found it
        nowhere). The old link then answers ``offer_expired``; the new offer holds the credential id and row key the
        old one held, is checked as ``create`` checks one, and is kept as ``keep`` says (``create``). ``None``, and
        nothing changed, when the offer was claimed meanwhile (by whoever had its link); ``not_found`` when the
        organisation has no offer ``offer_id``."""
        org.require("credentials:issue")
        check_ttl(ttl)
        with self.issuer.store.transaction() as session:
            old = session.get(ClaimOffer, offer_id)
            found = None if old is None or old.org_id != org.id else (old.document, old.purposes, old.row_key,
                                                                      old.row_digest)
        if found is None:
            raise error_for(ErrorCode.NOT_FOUND, "no claim offer of this organisation has this id", None,
                            nl="Geen ophaalaanbod van deze organisatie heeft dit id.")
        document, purposes, row_key, row_digest = found
        return self._offer(org, self._checked(org, json.loads(document)),
                           purposes=None if purposes is None else tuple(purposes.split()), ttl=ttl, row_key=row_key,
                           row_digest=row_digest, keep=keep, withdrawing=offer_id)

    def withdraw(self, org: Org, offer_id: str, *, row_key: str | None = None) -> bool:
        """End the open offer ``offer_id`` unclaimed (audited ``offer.withdraw``; ``row_key``: the batch row it was made
        for, recorded): its link then answers ``offer_expired``. False, and nothing changed, when it was claimed
        meanwhile (``queries.withdraw_offer``: a claim and a withdrawal at once never both go through)."""
        org.require("credentials:status")
        with self.issuer.store.transaction() as session:
            return _withdrawn(session, org, offer_id, _now(), row_key)

    def correct(self, org: Org, offer_id: str, credential: dict[str, Any], *,
                row_digest: str | None = None) -> Literal["corrected", "claimed", "expired"]:
        """Replace what the open offer ``offer_id`` will issue by ``credential`` (its batch row corrected since the
        offer was made: ``row_digest`` what the row says now), checked as ``create`` checks one; its link, expiry and
        credential id stay (the learner's link still works, and gives the corrected credential). ``claimed`` or
        ``expired``, and nothing changed, when the offer can no longer be claimed: a claim marks its offer used under
        the same row lock and issues what the offer held at that instant (``claim``), so it gets the old credential or
        the corrected one, never a mix. ``not_found`` when the organisation has no offer ``offer_id``; ``row_changed``
        when ``credential`` names another id than the offer holds."""
        org.require("credentials:issue")
        document = self._checked(org, credential)
        with self.issuer.store.transaction() as session:
            row = session.get(ClaimOffer, offer_id, with_for_update=True)
            if row is None or row.org_id != org.id:
                raise error_for(ErrorCode.NOT_FOUND, "no claim offer of this organisation has this id", None,
                                nl="Geen ophaalaanbod van deze organisatie heeft dit id.")
            if row.used_at is not None:
                return "claimed"
            if _utc(row.expires_at) <= _now() or row.reserved_id is None:
                return "expired"
            if document.get("id") != row.reserved_id:
                raise error_for(ErrorCode.ROW_CHANGED, "the corrected credential names another id than the offer "
                                "holds: give the row its old id back, or a new key", "/id",
                                nl="het verbeterde bewijsstuk noemt een ander id dan het aanbod vasthoudt: geef de "
                                   "regel zijn oude id terug, of een nieuwe sleutel")
            row.document = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
            row.row_digest = row_digest
            audit.record(session, org_id=org.id, actor=org.actor, action="offer.correct",
                         target=f"offer:{offer_id[:16]}",
                         detail={"types": types_of(document)} | ({"rowKey": row.row_key} if row.row_key else {}))
        return "corrected"

    def _checked(self, org: Org, credential: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``credential`` as an offer keeps it, checked as it will be issued (with a stand-in DID)."""
        document: dict[str, Any] = copy_json(parse_json(credential))
        if "id" in _subject(document):
            raise error_for(ErrorCode.FORBIDDEN_FIELD, "leave credentialSubject.id out: the worker's DID is "
                            "filled in when they claim the credential", "/credentialSubject/id",
                            nl="Laat credentialSubject.id weg: de DID van de werkende wordt ingevuld wanneer die het "
                               "bewijsstuk ophaalt.")
        trial = copy_json(document)
        _subject(trial)["id"] = LocalSigner(generate("ed25519")).controller
        with reusing(self.issuer.contexts):  # refused now, not when the worker claims it
            preflight(self.issuer.prepare(org, trial), org.did, contexts=self.issuer.contexts, org_name=org.name)
        return document

    def _offer(self, org: Org, document: dict[str, Any], *, purposes: tuple[str, ...] | None, ttl: dt.timedelta,
               row_key: str | None, keep: Callable[[Offer], None] | None, row_digest: str | None = None,
               withdrawing: str | None = None) -> Offer | None:
        """Store the checked ``document`` as a new offer (after withdrawing the offer ``withdrawing``, in the same
        transaction: ``None`` when that one was claimed), its link handed to ``keep`` before the commit."""
        token, challenge = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        now = _now().replace(microsecond=0)
        offer = Offer(token, self.url(token), now + ttl, challenge)
        with self.issuer.store.transaction() as session:
            if withdrawing is not None and not _withdrawn(session, org, withdrawing, now, row_key,
                                                          replacedBy=f"offer:{_digest(token)[:16]}"):
                return None
            named: Any = document.get("id")  # the id it will be issued with, if it names one: held for its claim
            if named is not None and not credential_id_free(session, named, org.id):
                raise status_registry.taken(named)  # else only the worker's claim would find out
            if not add_offer(session, ClaimOffer(
                    id=_digest(token), org_id=org.id, actor=org.actor, scopes=" ".join(sorted(org.scopes)),
                    credential_id=named, reserved_id=named,
                    document=json.dumps(document, separators=(",", ":"), ensure_ascii=False),
                    purposes=None if purposes is None else " ".join(purposes), challenge=challenge,
                    created_at=now, expires_at=now + ttl, row_key=row_key, row_digest=row_digest,
                    link_kept=keep is not None), now):
                raise status_registry.taken(named, offered=True)  # the database decides, also between two at once
            audit.record(session, org_id=org.id, actor=org.actor, action="offer.create",
                         target=f"offer:{_digest(token)[:16]}",
                         detail={"types": types_of(document)} | ({"rowKey": row_key} if row_key is not None else {}))
            if keep is not None:  # the link kept first: a process killed from here on loses no link
                keep(offer)
        return offer

    def _open(self, token: str) -> ClaimOffer:
        """The offer for ``token``: ``not_found``, ``offer_used`` or ``offer_expired`` otherwise."""
        with self.issuer.store.transaction() as session:
            offer = session.get(ClaimOffer, _digest(token))
        return _usable(offer)

    def view(self, token: str) -> OfferView:
        """The offer at ``token`` as its page shows it, also when used or expired; ``not_found`` otherwise."""
        with self.issuer.store.transaction() as session:
            row = session.get(ClaimOffer, _digest(token))
            if row is None:
                raise error_for(ErrorCode.NOT_FOUND, "no claim offer at this address", "/path/exchange_id", nl=_NO_OFFER_NL)
            org = session.get(Organisation, row.org_id)
            expires, used, challenge, document = _utc(row.expires_at), row.used_at, row.challenge, row.document
            org_name = org.name if org is not None else ""
        state: Literal["open", "used", "expired"] = "used" if used is not None else "expired" if expires <= _now() else "open"
        offer = Offer(token, self.url(token), expires, challenge)
        return OfferView(offer, json.loads(document), org_name, state)

    def interaction(self, token: str) -> dict[str, Any]:
        """The VC-API interaction answer (``GET`` as JSON): the protocols this offer is claimed with."""
        self._open(token)
        return {"protocols": {"vcapi": self.url(token)}}

    def request(self, token: str) -> dict[str, Any]:
        """What the wallet must prove: DID authentication over the offer's challenge and this domain."""
        offer = self._open(token)
        return {"verifiablePresentationRequest": {
            "query": [{"type": "DIDAuthentication"}], "challenge": offer.challenge, "domain": self.domain,
        }}

    def claim(self, token: str, presentation: dict[str, Any]) -> dict[str, Any]:
        """Check the DID-Auth ``presentation``, then issue the offer's credential to the DID that signed it."""
        offer = self._open(token)
        holder = self._authenticated(presentation, offer.challenge)
        with self.issuer.store.transaction() as session:  # single use: the first claim marks it (the id stays held)
            row = _usable(session.get(ClaimOffer, offer.id, with_for_update=True))
            row.used_at, row.holder = _now(), holder
            # what the offer holds as it is marked used (``correct`` changes it under the same lock), not as first read
            text, purposes_text, row_key = row.document, row.purposes, row.row_key
        org = self.issuer.orgs.get(offer.org_id).with_access(offer.actor, offer.scopes.split())
        document = json.loads(text)
        _subject(document)["id"] = holder
        purposes = None if purposes_text is None else tuple(purposes_text.split())
        if row_key is not None:  # a batch row's offer: stored under its row key, unless another credential has that key
            stored = self.issuer.issuance(org).by_row_key([row_key]).get(row_key)
            row_key = row_key if stored is None or stored.credential_id == document.get("id") else None
        try:
            issued = self.issuer.issue(org, document, with_status=purposes != (), purposes=purposes or None,
                                       offer=offer.id, row_key=row_key)  # its hold on the id is for this claim alone
        except BaseException:
            with self.issuer.store.transaction() as session:  # not handed out: the offer may be claimed again
                back = session.get(ClaimOffer, offer.id, with_for_update=True)
                if back is not None:
                    back.used_at = back.holder = None
            raise
        with self.issuer.store.transaction() as session:
            claimed = session.get(ClaimOffer, offer.id, with_for_update=True)
            if claimed is not None:  # issued: the credential holds its id now, not the offer
                claimed.credential_id, claimed.reserved_id = issued.credential_id, None
            audit.record(session, org_id=org.id, actor=org.actor, action="offer.claim",
                         target=f"offer:{offer.id[:16]}", detail={"credentialId": issued.credential_id})
        return {"verifiablePresentation": {"@context": [VC_V2], "type": ["VerifiablePresentation"],
                                           "verifiableCredential": [issued.credential]}}

    def _authenticated(self, presentation: dict[str, Any], challenge: str) -> str:
        """The DID that signed ``presentation`` (DID-Auth over ``challenge``, and this domain when its proof names
        one: the challenge alone is this offer's single-use secret); coded errors otherwise."""
        where = "/verifiablePresentation"
        if not isinstance(presentation, dict) or "VerifiablePresentation" not in types_of(presentation):
            raise error_for(ErrorCode.SCHEMA_INVALID, "a DID-Auth presentation has type VerifiablePresentation", where + "/type",
                            nl="een DID-Auth-presentatie heeft type VerifiablePresentation")
        if presentation.get("verifiableCredential"):
            raise error_for(ErrorCode.SCHEMA_INVALID, "a DID-Auth presentation carries no credentials",
                            where + "/verifiableCredential", nl="een DID-Auth-presentatie bevat geen bewijsstukken")
        proof = presentation.get("proof")
        if not isinstance(proof, dict):  # one proof: the holder's
            raise error_for(ErrorCode.INVALID_PROOF, "the DID-Auth presentation needs one proof by the holder", where + "/proof",
                            nl="de DID-Auth-presentatie heeft één bewijs (handtekening) van de houder nodig")
        if proof.get("proofPurpose") != "authentication":
            raise error_for(ErrorCode.WRONG_PROOF_PURPOSE, "a DID-Auth proof has proofPurpose authentication",
                            where + "/proof/proofPurpose", nl="een DID-Auth-bewijs heeft proofPurpose authentication")
        method = proof.get("verificationMethod")
        if not isinstance(method, str) or not method.startswith(tuple(m + ":" for m in HOLDER_DID_METHODS)):
            shown = method.partition("#")[0][:60] if isinstance(method, str) else "none"
            raise error_for(ErrorCode.DID_METHOD_UNSUPPORTED, f"the holder's DID ({shown}) cannot be resolved here "
                            f"without the network: claim with a {' or '.join(HOLDER_DID_METHODS)} DID",
                            where + "/proof/verificationMethod",
                            nl=f"de DID van de houder ({shown}) is hier niet op te zoeken zonder netwerk: haal het "
                               f"bewijsstuk op met een {' of '.join(HOLDER_DID_METHODS)}-DID")
        domain = self.domain if "domain" in proof else None  # the LCW signs no domain; a wrong one is refused
        result = Verifier(resolver=DidJwkResolver()).verify(presentation, challenge=challenge, domain=domain)
        problem = result.first_error
        if problem is not None:
            raise error_for(problem.code, problem.message, where + (problem.path or ""), nl=problem.message_nl)
        did = method.partition("#")[0]
        if not did.startswith("did:") or presentation.get("holder", did) != did:
            raise error_for(ErrorCode.HOLDER_MISMATCH, "the presentation's holder is not the DID that signed it",
                            where + "/holder", nl="de houder (holder) van de presentatie is niet de DID die haar ondertekende")
        return did


def _withdrawn(session: Session, org: Org, offer_id: str, now: dt.datetime, row_key: str | None, **detail: str) -> bool:
    """End the open offer ``offer_id`` unclaimed in ``session`` (``queries.withdraw_offer``) and audit it as
    ``offer.withdraw`` with ``detail`` (and its batch ``row_key``); False, and nothing done, when it was claimed."""
    if not withdraw_offer(session, offer_id, now):
        return False
    audit.record(session, org_id=org.id, actor=org.actor, action="offer.withdraw", target=f"offer:{offer_id[:16]}",
                 detail=detail | ({"rowKey": row_key} if row_key is not None else {}))
    return True


def _usable(offer: ClaimOffer | None) -> ClaimOffer:
    """``offer`` when it can still be claimed."""
    if offer is None:
        raise error_for(ErrorCode.NOT_FOUND, "no claim offer at this address", "/path/exchange_id", nl=_NO_OFFER_NL)
    if offer.used_at is not None:
        raise error_for(ErrorCode.OFFER_USED, "this offer has already been claimed", "/path/exchange_id")
    if _utc(offer.expires_at) <= _now():
        raise error_for(ErrorCode.OFFER_EXPIRED, "this offer has expired", "/path/exchange_id")
    return offer
