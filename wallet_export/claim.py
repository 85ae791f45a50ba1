"""Claim a credential from an issuer's exchange URL into the passport: the wallet's one network step.

Usage::

    stored = claim(store, "https://roc.example/exchanges/Q3x…")     # signs the DID-Auth with the passport key

The protocol is the VC-API exchange the issuer service speaks (``skillspas.issuer.exchanges``):
``POST {}`` answers a DID-Auth request (challenge, domain); the passport key signs a presentation
over them (proofPurpose ``authentication``), only for the exchange URL's own host (and port), as the issuer names its
domain: a request for another domain is refused before anything is signed, the offer still open (``domain_mismatch``); ``POST {"verifiablePresentation": …}`` answers the
credential, which must name the passport's DID and verify before it is stored. did:web keys come
from ``bundle`` (the worker's) merged into the passport's bundle (its DID documents do not replace the passport's
copies unless ``replace_documents``), else the passport's bundle when it checks the
proofs, else the issuer's ``/bundle`` on the same origin merged into the passport's. Only what that issuer speaks
for is taken from it: the DID documents of the DIDs that signed the claimed credential, and the status lists of its
issuer that it names or that the passport holds. The rest, such as another issuer's documents and lists, is left out
(``PassportStore.merged_bundle``: fresh for the DIDs that signed what it issued, whose documents replace the
passport's copies, so a key the issuer rotated in checks and a key it dropped no longer does; the newer of two
status lists is kept, and only if it verifies as its issuer's; never its trust list); the passport then keeps the
merged bundle. When the passport's bundle checks the proofs, the status lists of the credentials' issuers are still
refreshed from their ``/bundle``, best effort (a ``notes`` warning when that fails), so a claim brings the revocations since the last one. The offer is used once the
credential is answered: a credential refused after that (not about the worker, its proof, the issuer's bundle
unreachable or conflicting with the passport's) is kept in the passport's quarantine, and the refusal says where and
how to add it later.
Only the exchange URL's origin is contacted, with a timeout, without redirects, and every answer
is read up to a bound. The verifier never uses this module.
"""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from skillspas.keys import Signer
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error, localized_error, shown
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.messages import text
from skillspas.schemas.vc import is_web_url
from skillspas.verifier import Bundle, Problem
from skillspas.verifier.status import status_list_urls
from skillspas.wallet_export.presentation import build_presentation
from skillspas.wallet_export.store import PassportStore, StoredCredential

__all__ = ["claim", "TIMEOUT", "MAX_ANSWER_BYTES", "MAX_BUNDLE_BYTES"]

TIMEOUT: Final = 30.0
"""Seconds for connecting and for each read."""
MAX_ANSWER_BYTES: Final = Limits.max_bytes + 64 * 1024
MAX_BUNDLE_BYTES: Final = 16 * 1024 * 1024
_MAX_FIELD: Final = 1000


def _failed(message: str, nl: str) -> SkillspasError:
    """``exchange_failed`` saying why, in English and Dutch."""
    return localized_error(ErrorCode.EXCHANGE_FAILED, en=message, nl=nl)


def _check_url(url: str) -> str:
    """``url`` when it is an http(s) address with a host (``is_web_url``; a string the worker was given), of at most
    2,000 characters."""
    if not (isinstance(url, str) and len(url) <= 2000 and is_web_url(url)):
        if not isinstance(url, str):
            raise _failed("no exchange address", "geen ophaaladres")
        quoted = shown(url, 200, quoted=True)
        raise _failed(f"{quoted} is not an http(s) exchange address", f"{quoted} is geen http(s)-ophaaladres")
    return url


def _post(client: httpx.Client, url: str, body: dict[str, Any], limit: int = MAX_ANSWER_BYTES) -> Any:
    """POST ``body`` as JSON; the answer's JSON (coded refusals of the issuer pass on as ``exchange_failed``)."""
    return _answer(client, "POST", url, limit, json=body)


def _answer(client: httpx.Client, method: str, url: str, limit: int, **kwargs: Any) -> Any:
    """Send one request and read at most ``limit`` bytes of its JSON answer."""
    try:
        with client.stream(method, url, **kwargs) as response:
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > limit:
                    raise _failed(f"the answer of {shown(url, 200)} is larger than {limit} bytes",
                                  f"het antwoord van {shown(url, 200)} is groter dan {limit} bytes")
            status = response.status_code
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _failed(f"{shown(url, 200)} could not be reached: {type(exc).__name__}; check the address and your "
                      "internet connection, or try again later",
                      f"{shown(url, 200)} is niet bereikbaar ({type(exc).__name__}): controleer het adres en je "
                      "internetverbinding, of probeer het later opnieuw") from None
    try:
        document = parse_json(bytes(data), Limits(max_bytes=limit))
    except SkillspasError:
        raise _failed(f"{shown(url, 200)} answered HTTP {status} without JSON",
                      f"{shown(url, 200)} antwoordde HTTP {status} zonder JSON") from None
    if not 200 <= status < 300:  # a redirect is not followed: it is a refusal too
        code, message, dutch = _refusal(document)
        said = f"{shown(code, 40)}: {shown(message, 200)}"
        raise _failed(f"the issuer refused (HTTP {status}): {said}",
                      f"de uitgever weigerde (HTTP {status}): {shown(code, 40)}: {shown(dutch, 300)}")
    return document


def _refusal(document: Any) -> tuple[Any, Any, Any]:
    """The code, English message and Dutch message of an issuer's coded refusal: its own ``messageNl`` (the
    service sends one), else the code's Dutch sentence when skillspas knows the code, else its English message."""
    found = document if isinstance(document, dict) else {}
    code, message, dutch = found.get("code"), found.get("message"), found.get("messageNl")
    if not isinstance(dutch, str):
        known = next((member for member in ErrorCode if member.value == code), None)
        dutch = text(known, "nl") if known is not None else message
    return code, message, dutch


def _text(document: Any, key: str) -> str:
    value = document.get(key) if isinstance(document, dict) else None
    if not isinstance(value, str) or not value or len(value) > _MAX_FIELD:
        raise _failed(f"the exchange's request has no usable {key}", f"het verzoek van de uitgever heeft geen bruikbare {key}")
    return value


def _domain(request: Any, url: str) -> str:
    """The DID-Auth ``domain`` the exchange at ``url`` asks for, when it is that URL's host (and port, as the issuer
    names its own: ``Exchanges.domain``); a presentation signed for another domain could be replayed there."""
    asked, own = _text(request, "domain"), urlsplit(url).netloc.rpartition("@")[2]
    if asked.lower() != own.lower():
        quoted = shown(asked, 200, quoted=True)
        raise localized_error(ErrorCode.DOMAIN_MISMATCH,
                              en=f"the exchange asks to sign for the domain {quoted}, not its own host {own}: nothing was signed",
                              nl=f"het ophaaladres vraagt een handtekening voor het domein {quoted}, niet voor zijn eigen "
                                 f"adres {own}: er is niets ondertekend")
    return asked


def claim(store: PassportStore, url: str, *, holder: Signer | None = None, bundle: Bundle | None = None,
          replace_documents: bool = False, notes: list[Problem] | None = None,
          client: httpx.Client | None = None) -> list[StoredCredential]:
    """Run the exchange at ``url`` with the passport key, verify what it answers and store it; ``bundle`` (one the
    worker names) is merged into the passport's bundle to check it and kept (``PassportStore.merged_bundle``, with
    ``replace_documents``). Once the one-time offer is used, a credential that is then refused for any reason is kept
    in the passport's quarantine (``PassportStore.quarantine``) and the refusal says where. ``notes`` gets the
    warnings of what went on anyway: a DID document of ``bundle`` not taken (``did_document_kept``), the issuer's
    status lists not refreshed (the code of why)."""
    holder = holder or store.holder()
    if holder is None:
        raise error_for(ErrorCode.KEY_NOT_FOUND, "the passport has no key yet: run `skillspas passport init` first",
                        nl="je paspoort heeft nog geen sleutel: maak die eerst met `skillspas passport init`")
    _check_url(url)
    notes = notes if notes is not None else []
    kept = store.bundle()  # an unreadable one refuses now, while the offer is still open
    named = None if bundle is None else store.merged_bundle(  # and so does a bundle named that cannot merge
        bundle, replace_documents=replace_documents, notes=notes)
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
    try:
        asked = _post(client, url, {})
        request = asked.get("verifiablePresentationRequest") if isinstance(asked, dict) else None
        did_auth = build_presentation([], holder=holder, challenge=_text(request, "challenge"), domain=_domain(request, url))
        answer = _post(client, url, {"verifiablePresentation": did_auth})
        credentials = _credentials(answer)  # the offer is used now: from here on what it answered is never lost
        try:
            _check_holder(credentials, holder)
            merged = named or _issuers_bundle(client, url, credentials, store, kept, notes)
        except SkillspasError as exc:
            raise _quarantined(store, credentials, exc) from None
    finally:
        if own:
            client.close()
    return _keep(store, credentials, merged)


def _credentials(answer: Any) -> list[dict[str, Any]]:
    """The credentials of the exchange's answer; ``exchange_failed`` when it holds none (or more than a passport
    would ever be offered at once)."""
    presentation = answer.get("verifiablePresentation") if isinstance(answer, dict) else None
    credentials = presentation.get("verifiableCredential") if isinstance(presentation, dict) else None
    credentials = credentials if isinstance(credentials, list) else [credentials]
    if not credentials or not all(isinstance(c, dict) for c in credentials):
        raise _failed("the exchange answered no credential", "de uitgever gaf geen bewijsstuk terug")
    if len(credentials) > Limits.max_credentials:
        raise _failed(f"the exchange answered more than {Limits.max_credentials} credentials",
                      f"de uitgever gaf meer dan {Limits.max_credentials} bewijsstukken terug")
    return credentials


def _check_holder(credentials: list[dict[str, Any]], holder: Signer) -> None:
    """``holder_mismatch`` unless every credential names the holder's DID as its subject."""
    for credential in credentials:
        subject = credential.get("credentialSubject")
        if not isinstance(subject, dict) or subject.get("id") != holder.controller:
            raise error_for(ErrorCode.HOLDER_MISMATCH, "the credential does not name your DID "
                            f"({holder.controller}) as its subject", "/credentialSubject/id",
                            nl=f"het bewijsstuk staat niet op jouw DID ({holder.controller})")


def _issuers_bundle(client: httpx.Client, url: str, credentials: list[dict[str, Any]], store: PassportStore,
                    kept: Bundle | None, notes: list[Problem]) -> Bundle | None:
    """The passport's bundle with the issuer's ``/bundle`` merged in (``Bundle.merged``: fresh for the DIDs that signed
    the credentials, so a key the issuer rotated in since the passport kept its document checks them;
    ``schema_invalid`` for a conflict, ``status_list_refused`` for a status list that is not its issuer's). When the
    passport's bundle (``kept``) checks the credentials' proofs already, only the status lists of their issuers are
    refreshed from it, best effort (``_refreshed``)."""
    if kept is not None and all(store.verifier().check_proofs(c).first_error is None for c in credentials):
        return _refreshed(client, url, credentials, store, kept, notes)
    fetched = _spoken_for(_fetched_bundle(client, url), credentials, kept)
    return store.merged_bundle(fetched, signers=_did_web_signers(credentials))


def _spoken_for(fetched: Bundle, credentials: list[dict[str, Any]], kept: Bundle | None) -> Bundle:
    """What of an issuer's ``/bundle`` the claim takes: only what that issuer speaks for. These are the DID documents
    of the did:web DIDs that signed the claimed credentials. They are also the status lists issued by a credential's
    issuer that also signed it, under a URL that a claimed credential's ``credentialStatus`` names or that the
    passport holds already (so a claim refreshes the lists of its earlier credentials), and the contexts the
    credentials name. Everything else is left out without an error: the documents and lists of the service's other
    organisations, or any that a hostile service plants for another issuer. A merge checks every list it takes as its
    issuer's (``Bundle.merged``). The fetched bundle's trust list is never taken."""
    signers = {did for c in credentials for did in _signers(c)}
    issuers = {_issuer_of(c) for c in credentials} & signers
    urls = {u for c in credentials for u in status_list_urls(c)} | set(kept.status_lists if kept is not None else ())
    contexts = {u for c in credentials for u in _context_urls(c)}
    return Bundle.create(
        did_documents=[d for did, d in fetched.did_documents.items() if did in signers and did.startswith("did:web:")],
        status_lists=[s for u, s in fetched.status_lists.items() if u in urls and _issuer_of(s) in issuers],
        contexts={u: raw for u, raw in fetched.contexts.items() if u in contexts})


def _fetched_bundle(client: httpx.Client, url: str) -> Bundle:
    """The issuer's ``/bundle`` on the exchange URL's origin (bounded by ``MAX_BUNDLE_BYTES``)."""
    origin = urlsplit(url)
    return Bundle.from_json(_answer(client, "GET", f"{origin.scheme}://{origin.netloc}/bundle", MAX_BUNDLE_BYTES))


def _refreshed(client: httpx.Client, url: str, credentials: list[dict[str, Any]], store: PassportStore, kept: Bundle,
               notes: list[Problem]) -> Bundle | None:
    """The passport's bundle with the status lists of the credentials' issuers that their ``/bundle`` holds merged in
    (only those ``_spoken_for`` takes, as any fetched bundle: the newer list is kept, and a list taken must verify by the key the passport holds), so a
    claim refreshes what the passport knows of their revocations; no DID document changes (the passport's checked the
    credentials). Best effort, since the credentials are checked already: None (the passport's bundle stays) when
    nothing changes, or when the bundle cannot be fetched or merged, which ``notes`` then says."""
    try:
        lists = _spoken_for(_fetched_bundle(client, url), credentials, kept).status_lists.values()
        merged = store.merged_bundle(Bundle.create(status_lists=lists), signers=frozenset())
    except SkillspasError as exc:
        notes.append(Problem(exc.code, f"the issuer's status lists were not refreshed, the passport keeps its own: "
                                       f"{exc.message}", exc.path,
                             f"de statuslijsten van de uitgever zijn niet bijgewerkt, je paspoort houdt de zijne: "
                             f"{exc.text('nl')}"))
        return None
    return None if dict(merged.status_lists) == dict(kept.status_lists) else merged


def _issuer_of(document: dict[str, Any]) -> str | None:
    """A credential's (unverified) issuer DID, or None."""
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def _keep(store: PassportStore, credentials: list[dict[str, Any]], merged: Bundle | None) -> list[StoredCredential]:
    """Add the credentials, checked with ``merged`` (the passport's bundle with the one named or the issuer's merged
    in; None: the passport's), then keep it as the passport's bundle, so ``show`` checks them later; what is refused
    goes to the quarantine."""
    stored: list[StoredCredential] = []
    try:
        for credential in credentials:
            stored.append(store.add(_data(credential), bundle=merged))
    except SkillspasError as exc:
        raise _quarantined(store, credentials[len(stored):], exc) from None
    except OSError as exc:
        raise _quarantined(store, credentials[len(stored):], file_error(exc, exc.filename or store.folder, "write")) from None
    if merged is not None:
        store.keep_bundle(merged)
    return stored


def _data(credential: dict[str, Any]) -> bytes:
    """A received credential's bytes as the passport keeps them."""
    return json.dumps(credential, ensure_ascii=False).encode("utf-8")


def _quarantined(store: PassportStore, credentials: list[dict[str, Any]], exc: SkillspasError) -> SkillspasError:
    """``exc`` (its code), saying that ``credentials`` were not added but kept in the passport's quarantine, where,
    and how to show or add them; if they cannot be written there either, saying that."""
    try:
        paths = [str(store.quarantine(_data(c))) for c in credentials]
    except OSError as failed:
        reason = file_error(failed, failed.filename or store.quarantine_folder, "write")
        return error_for(exc.code, f"{exc.message}; the credential could not be kept either: {reason.message}", exc.path,
                         nl=f"{exc.text('nl')}; het bewijsstuk kon ook niet bewaard worden: {reason.text('nl')}")
    listed = " ".join(paths)
    into = f"--passport {store.folder}"  # this passport, which need not be the default one
    return error_for(
        exc.code, f"{exc.message}. The credential was not added to your passport (the offer is used) but kept in "
        f"quarantine: {listed}; `skillspas passport show {paths[0]}` shows it, `skillspas passport add {listed} "
        f"{into} --bundle BUNDLE` adds it once it can be checked", exc.path,
        nl=f"{exc.text('nl')}. Het bewijsstuk is niet aan je paspoort toegevoegd (het aanbod is gebruikt) maar bewaard "
           f"in quarantaine: {listed}; `skillspas passport show {paths[0]}` toont het, `skillspas passport add {listed} "
           f"{into} --bundle BUNDEL` voegt het toe zodra het te controleren is")


def _did_web_signers(credentials: list[dict[str, Any]]) -> set[str]:
    """The did:web DIDs whose documents check the credentials' proofs (a did:key or did:jwk carries its key)."""
    return {did for credential in credentials for did in _signers(credential) if did.startswith("did:web:")}


def _signers(credential: dict[str, Any]) -> set[str]:
    """The DIDs of the keys that a credential's proofs name (unverified)."""
    proof = credential.get("proof")
    methods = (item.get("verificationMethod") for item in (proof if isinstance(proof, list) else [proof])
               if isinstance(item, dict))
    return {method.split("#", 1)[0] for method in methods if isinstance(method, str)}


def _context_urls(credential: dict[str, Any]) -> set[str]:
    """The context URLs a credential's ``@context`` names (unverified)."""
    contexts = credential.get("@context")
    return {c for c in (contexts if isinstance(contexts, list) else [contexts]) if isinstance(c, str)}
