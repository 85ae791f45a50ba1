"""The offline verification bundle: trust list, DID documents, status lists and contexts, with a date.

Usage::

    bundle = Bundle.create(trust_list=signed_list, did_documents=[did_json],
                           status_lists=[status_vc], contexts="extra-contexts/")
    bundle.to_file("bundle.json")                      # one JSON file, or folder=True for a folder
    bundle = Bundle.from_file("bundle.json")           # checks its own shape when built
    result = Verifier(bundle=bundle).verify(credential)

A bundle is data, not settings (STYLE.md 7.8): the verifier takes did:web documents, status lists
and the trust list from it only, never from the network. Its shape is checked when it is built
(sigstore ``Bundle``): a malformed bundle is ``schema_invalid`` (exit 2). Whether its trust list and
status lists are genuine is checked by the pipeline, as for any credential, and a status list that ``merged`` takes
from another bundle is checked so when it is taken (``status_list_refused``). The did:web documents
are not signed: offline there is no TLS to vouch for them, so the bundle file itself is trusted
material (like a TUF root) and must come from a trusted source; pin the trust anchor as well.

One file: ``{"type": "SkillspasBundle", "version": 1, "createdAt", "trustList", "didDocuments": [...],
"statusLists": [...], "contexts": {url: exact text}}``. A folder: ``bundle.json`` (type, version,
createdAt), ``trust-list.json``, ``dids/<host>/.well-known/did.json`` (did:web layout),
``status-lists/*.json`` and ``contexts/`` (``contexts.map.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from skillspas.keys.did_web import did_web_to_path, load_did_web_folder
from skillspas.keys.verification_method import format_datetime, parse_datetime
from skillspas.schemas.jsonld.contexts import MAP_FILE, bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError, file_error, localized_error, shown
from skillspas.schemas.files import write_atomic
from skillspas.schemas.jsonio import open_input, parse_json
from skillspas.schemas.limits import Limits
from skillspas.verifier.status import checked_list

__all__ = ["Bundle", "BUNDLE_TYPE", "BUNDLE_VERSION", "folder_contexts"]

BUNDLE_TYPE: Final = "SkillspasBundle"
BUNDLE_VERSION: Final = 1
_MANIFEST: Final = "bundle.json"
_TRUST_LIST: Final = "trust-list.json"
_DIDS: Final = "dids"
_STATUS: Final = "status-lists"
_CONTEXTS: Final = "contexts"
_LIMITS: Final = Limits(max_bytes=64 * 1024 * 1024, max_string_length=32 * 1024 * 1024, max_array_length=100_000)


def _invalid(en: str, nl: str, path: str | None = None) -> SkillspasError:
    """Build the ``schema_invalid`` error for a malformed bundle, in English and Dutch (asking for a new bundle)."""
    return localized_error(ErrorCode.SCHEMA_INVALID, en=f"bundle: {en}", path=path,
                           nl=f"controlebundel: {nl}; vraag een nieuwe controlebundel aan wie hem maakte")


_WHAT_NL: Final = {"DID document": "DID-document", "status list": "statuslijst", "context": "context"}
_PLURAL_NL: Final = {"DID document": "DID-documenten", "status list": "statuslijsten", "context": "contexten"}


def _by_id(documents: Iterable[Any], what: str, *, gathered: bool = False) -> dict[str, dict[str, Any]]:
    """Index documents by their ``id``; each must be an object with a unique string id. ``gathered`` (from several
    sources: ``Bundle.create``, ``Bundle.merged``): two with one id are settled by ``_settle`` (the same one counts
    once, of two status lists the newer is kept), and only what it cannot settle is refused."""
    indexed: dict[str, dict[str, Any]] = {}
    for document in documents:
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise _invalid(f"every {what} must be a JSON object with an id", f"elk {_WHAT_NL[what]} moet een JSON-object met een id zijn")
        key = document["id"]
        if key in indexed:
            if not gathered:
                raise _twice(key, what, False)
            document = _settle(indexed[key], document, what)
        indexed[key] = document
    return indexed


def _settle(kept: dict[str, Any], given: dict[str, Any], what: str, *, fresh: bool = False) -> dict[str, Any]:
    """Of two documents with one id, the one a bundle keeps (``given`` is the later source): the same one counts once;
    of two status list credentials of one issuer the newer (``validFrom``, else ``issuanceDate``), and on a tie or
    without dates ``given`` when ``fresh`` (just fetched from the issuer, or named by the worker); else
    ``schema_invalid``, for which is meant cannot be told."""
    if kept == given:
        return kept
    order = _status_list_order(kept, given) if what == "status list" else None
    if order is not None and (order or fresh):
        return kept if order > 0 else given
    raise _twice(given["id"], what, True)


def _status_list_order(kept: dict[str, Any], given: dict[str, Any]) -> int | None:
    """1 when ``kept`` is the newer status list, -1 when ``given`` is, 0 when their dates are equal or missing; None
    unless both are status list credentials of one issuer (what can be compared without the network: their
    proofs are checked when they are used)."""
    issuer = _issuer_id(kept)
    if issuer is None or issuer != _issuer_id(given) or not (_is_status_list(kept) and _is_status_list(given)):
        return None
    old, new = _issued(kept), _issued(given)
    if old is None or new is None or old == new:
        return 0
    return 1 if old > new else -1


def _is_status_list(document: dict[str, Any]) -> bool:
    types = document.get("type")
    return "BitstringStatusListCredential" in (types if isinstance(types, list) else [types])


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def _issued(document: dict[str, Any]) -> dt.datetime | None:
    """A status list credential's date (VC 2.0 ``validFrom``, else VC 1.1 ``issuanceDate``), None without one."""
    try:
        return parse_datetime(document.get("validFrom", document.get("issuanceDate")))
    except ValueError:
        return None


def _twice(key: str, what: str, different: bool) -> SkillspasError:
    """Two documents (``different`` ones) with one id, or two texts of one context URL: which is meant cannot be told."""
    name = "URL" if what == "context" else "id"
    if not different:
        return _invalid(f"two {what}s have the {name} {shown(key, quoted=True)}",
                        f"twee keer een {_WHAT_NL[what]} met {name} {shown(key, quoted=True)}")
    if what == "status list":
        return _invalid(f"two different status lists have the id {shown(key, quoted=True)}, and neither is a newer "
                        "status list credential of the same issuer",
                        f"twee verschillende statuslijsten met id {shown(key, quoted=True)}, en geen van beide is een "
                        "nieuwere statuslijst van dezelfde uitgever")
    return _invalid(f"two different {what}s have the {name} {shown(key, quoted=True)}",
                    f"twee verschillende {_PLURAL_NL[what]} met {name} {shown(key, quoted=True)}")


def _refused(en: str, nl: str) -> SkillspasError:
    """``status_list_refused``: a status list of a bundle being merged is not taken, and nothing is merged."""
    return localized_error(ErrorCode.STATUS_LIST_REFUSED, path="/statusLists",
                           en=f"bundle: {en}; it is not taken, and nothing was merged",
                           nl=f"controlebundel: {nl}; hij wordt niet overgenomen, en er is niets samengevoegd")


def _check_same_issuer(kept: dict[str, Any], given: dict[str, Any]) -> None:
    """``status_list_refused`` when ``given`` is a status list of another issuer than ``kept``, under its id."""
    if kept == given or not (_is_status_list(kept) and _is_status_list(given)):
        return
    issuer, other = _issuer_id(kept), _issuer_id(given)
    if issuer is not None and issuer != other:
        url = shown(kept["id"], quoted=True)
        raise _refused(f"the status list {url} names the issuer {shown(other, quoted=True)}, and the list it would "
                       f"replace names {shown(issuer, quoted=True)}",
                       f"de statuslijst {url} noemt als uitgever {shown(other, quoted=True)}, en de lijst die hij zou "
                       f"vervangen noemt {shown(issuer, quoted=True)}")


def _check_taken(merged: Bundle, kept: Mapping[str, dict[str, Any]]) -> None:
    """Every status list of ``merged`` that ``kept`` (the lists of the bundle merged into) does not hold must be one the
    verifier takes (``status.checked_list``, the pipeline's own check), with ``merged``'s DID documents and contexts,
    never its trust list: issued by the issuer of the list it replaces (an added one: by its own); else
    ``status_list_refused`` saying which list and why."""
    taken = [(url, document) for url, document in merged.status_lists.items() if kept.get(url) != document]
    if not taken:
        return
    from skillspas.verifier.pipeline import Verifier  # the pipeline imports this module

    verifier = Verifier(bundle=Bundle(created_at=merged.created_at, did_documents=merged.did_documents,
                                      contexts=merged.contexts))
    for url, document in taken:
        issuer = _issuer_id(kept[url] if url in kept else document) or ""
        try:
            checked_list(document, url, issuer, verifier.verified_status_list, verifier.limits)
        except SkillspasError as exc:
            raise _refused(f"{exc.message} (checked as issued by {shown(issuer, quoted=True)})",
                           f"{exc.text('nl')} (gecontroleerd als uitgegeven door {shown(issuer, quoted=True)})") from None


def _read(file: Path) -> Any:
    """Read and strictly parse one JSON file of a bundle."""
    try:
        with open_input(file) as handle:
            data = handle.read(_LIMITS.max_bytes + 1)
    except OSError as exc:
        raise file_error(exc, file, "read") from None
    return parse_json(data, _LIMITS)


def folder_contexts(folder: str | os.PathLike[str]) -> dict[str, bytes]:
    """The contexts of a ``contexts.map.json`` folder that are not bundled with skillspas."""
    registry = bundled_registry().with_folder(folder)
    return {url: registry.get(url).raw for url in registry.urls() if not registry.get(url).bundled}


@dataclass(frozen=True)
class Bundle:
    """Everything an offline verifier needs besides the credential; checks its own shape."""

    created_at: dt.datetime
    trust_list: dict[str, Any] | None = None
    did_documents: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    status_lists: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    contexts: Mapping[str, bytes] = field(default_factory=dict)
    version: int = BUNDLE_VERSION

    def __post_init__(self) -> None:
        """Refuse a bundle whose parts could be misread: wrong version, non-did:web documents, ids."""
        if self.version != BUNDLE_VERSION:
            raise _version(self.version)
        if not isinstance(self.created_at, dt.datetime) or self.created_at.tzinfo is None:
            raise _no_date()
        if self.trust_list is not None and not isinstance(self.trust_list, dict):
            raise _invalid("trustList must be a credential object", "trustList moet een bewijsstuk (JSON-object) zijn", "/trustList")
        for key, what, documents in (("didDocuments", "DID document", self.did_documents),
                                     ("statusLists", "status list", self.status_lists)):
            if len(documents) > Limits.max_bundle_documents:
                raise localized_error(ErrorCode.TOO_LARGE, path=f"/{key}",
                                      en=f"bundle: {len(documents)} {what}s, more than {Limits.max_bundle_documents}",
                                      nl=f"controlebundel: {len(documents)} {_PLURAL_NL[what]}, meer dan "
                                         f"{Limits.max_bundle_documents}")
        for did, document in self.did_documents.items():
            # did:key needs no document; one here could only disagree with the key itself.
            try:
                did_web_to_path(did)
            except SkillspasError:
                raise _invalid(f"{shown(did, quoted=True)}: only did:web documents belong in a bundle",
                               f"{shown(did, quoted=True)}: alleen did:web-documenten horen in een controlebundel", "/didDocuments") from None
            if not isinstance(document, dict) or document.get("id") != did:
                raise _invalid(f"the DID document for {shown(did, quoted=True)} does not have that id",
                               f"het DID-document voor {shown(did, quoted=True)} heeft niet dat id", "/didDocuments")
        for url, status_list in self.status_lists.items():
            if not isinstance(status_list, dict) or status_list.get("id") != url:
                raise _invalid(f"the status list for {shown(url, quoted=True)} does not have that id",
                               f"de statuslijst voor {shown(url, quoted=True)} heeft niet dat id", "/statusLists")
        for url, raw in self.contexts.items():
            if not isinstance(url, str) or not isinstance(raw, bytes):
                raise _invalid("contexts must map URLs to their exact text", "contexts moet URL's op hun precieze tekst afbeelden", "/contexts")

    @classmethod
    def create(
        cls,
        *,
        trust_list: dict[str, Any] | None = None,
        did_documents: Iterable[dict[str, Any]] = (),
        status_lists: Iterable[dict[str, Any]] = (),
        contexts: str | os.PathLike[str] | Mapping[str, bytes] | None = None,
        created_at: dt.datetime | None = None,
    ) -> Bundle:
        """Gather the parts (documents keyed by their ids, one given twice alike counted once; ``contexts`` a folder
        or URL -> bytes)."""
        if isinstance(contexts, (str, os.PathLike)):
            contexts = folder_contexts(contexts)
        return cls(
            created_at=(created_at or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0),
            trust_list=trust_list,
            did_documents=_by_id(did_documents, "DID document", gathered=True),
            status_lists=_by_id(status_lists, "status list", gathered=True),
            contexts=dict(contexts or {}),
        )

    def merged(self, *others: Bundle, fresh: AbstractSet[str] | bool = False, keep_own_documents: bool = False) -> Bundle:
        """This bundle with the DID documents, status lists and contexts of ``others`` added in turn (``bundle create
        --bundle``, ``passport claim``, ``passport add --bundle``), never their trust lists: an issuer's own vouches
        for nothing. Of two documents with one id: the same one counts once; of two status list credentials of one
        issuer the newer is kept (``validFrom``, else ``issuanceDate``: each revocation re-signs the list); anything
        else is ``schema_invalid`` and nothing is merged, as are two texts of one context URL.

        Every status list taken from ``others`` (added, or replacing this bundle's) must be what the verifier takes:
        verified (``status.checked_list``) with the keys of the merged bundle's DID documents (a did:key is its own
        key) as issued by the issuer of the list it replaces (an added one: by its own issuer). One that is not, or
        one of another issuer under the id of this bundle's, is ``status_list_refused`` and nothing is merged: a
        bundle merged in cannot put a list that would fail every credential of another issuer
        (``status_unavailable``) into this one.

        ``fresh``: ``others`` are newer than this bundle (an issuer's ``/bundle`` a claim just fetched, a bundle the
        worker names): on a tie, or without dates, their status list wins, and their DID document replaces this
        bundle's (key rotation: what the issuer publishes now is what it vouches for, and a key it dropped stops
        verifying), for every DID (``True``) or only for these DIDs (an issuer's ``/bundle`` speaks for the DIDs that
        signed what it issued, not for another issuer's; an empty set: for none). ``keep_own_documents``: a DID
        document of ``others`` that differs from this bundle's (and that ``fresh`` does not name) is left out, this
        bundle's stays, instead of being refused: DID documents carry no date, so an older one could bring back a
        key its DID dropped (a bundle the worker names; ``differing_documents`` says which)."""
        contexts = dict(self.contexts)
        for url, raw in ((url, raw) for part in others for url, raw in part.contexts.items()):
            if contexts.setdefault(url, raw) != raw:
                raise _twice(url, "context", True)
        documents, lists = dict(self.did_documents), dict(self.status_lists)
        for part in others:
            for did, document in part.did_documents.items():
                if did not in documents or fresh is True or (not isinstance(fresh, bool) and did in fresh):
                    documents[did] = document
                elif documents[did] != document and not keep_own_documents:
                    raise _twice(did, "DID document", True)
            for url, status_list in part.status_lists.items():
                if url in lists:
                    _check_same_issuer(lists[url], status_list)
                lists[url] = status_list if url not in lists else _settle(
                    lists[url], status_list, "status list", fresh=fresh is not False)
        merged = Bundle.create(trust_list=self.trust_list, did_documents=documents.values(),
                               status_lists=lists.values(), contexts=contexts)
        _check_taken(merged, self.status_lists)
        return merged

    def differing_documents(self, given: Bundle) -> list[str]:
        """The DIDs whose document in ``given`` differs from this bundle's (``merged(given, keep_own_documents=True)``
        kept this bundle's)."""
        return [did for did, document in given.did_documents.items()
                if did in self.did_documents and self.did_documents[did] != document]

    def to_json(self) -> dict[str, Any]:
        """The one-file form."""
        data: dict[str, Any] = {"type": BUNDLE_TYPE, "version": self.version, "createdAt": format_datetime(self.created_at)}
        if self.trust_list is not None:
            data["trustList"] = self.trust_list
        data["didDocuments"] = list(self.did_documents.values())
        data["statusLists"] = list(self.status_lists.values())
        data["contexts"] = {url: raw.decode("utf-8") for url, raw in self.contexts.items()}
        return data

    @classmethod
    def from_json(cls, data: str | bytes | dict[str, Any]) -> Bundle:
        """Read the one-file form strictly (duplicate keys, sizes); ``schema_invalid`` on defects."""
        document = parse_json(data, _LIMITS)
        header = cls._header(document)
        contexts = document.get("contexts", {})
        if not isinstance(contexts, dict) or not all(isinstance(v, str) for v in contexts.values()):
            raise _invalid("contexts must map URLs to context text", "contexts moet URL's op de tekst van een context afbeelden", "/contexts")
        for key in ("didDocuments", "statusLists"):
            if not isinstance(document.get(key, []), list):
                raise _invalid(f"{key} must be a list", f"{key} moet een lijst zijn", f"/{key}")
        return cls(
            created_at=header,
            trust_list=document.get("trustList"),
            did_documents=_by_id(document.get("didDocuments", []), "DID document"),
            status_lists=_by_id(document.get("statusLists", []), "status list"),
            contexts={url: text.encode("utf-8") for url, text in contexts.items()},
        )

    @staticmethod
    def _header(document: Any) -> dt.datetime:
        """Check type and version; return createdAt."""
        if not isinstance(document, dict) or document.get("type") != BUNDLE_TYPE:
            raise _invalid(f'not a skillspas bundle ("type": "{BUNDLE_TYPE}")',
                           f'dit is geen skillspas-controlebundel ("type": "{BUNDLE_TYPE}")', "/type")
        if document.get("version") != BUNDLE_VERSION:
            raise _version(document.get("version"))
        try:
            return parse_datetime(document.get("createdAt"))
        except ValueError:
            raise _no_date() from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Bundle:
        """Read a bundle file, or a bundle folder (``file_error`` for a name the system cannot look up, e.g. too long)."""
        source = Path(path)
        try:
            folder = source.is_dir()
        except OSError as exc:
            raise file_error(exc, source, "read") from None
        if not folder:
            return cls.from_json(_read_bytes(source))
        created_at = cls._header(_read(source / _MANIFEST))
        trust_file = source / _TRUST_LIST
        dids = load_did_web_folder(source / _DIDS) if (source / _DIDS).is_dir() else {}
        lists = sorted((source / _STATUS).glob("*.json")) if (source / _STATUS).is_dir() else []
        contexts = folder_contexts(source / _CONTEXTS) if (source / _CONTEXTS / MAP_FILE).is_file() else {}
        return cls(
            created_at=created_at,
            trust_list=_read(trust_file) if trust_file.is_file() else None,
            did_documents=dids,
            status_lists=_by_id((_read(f) for f in lists), "status list"),
            contexts=contexts,
        )

    def to_file(self, path: str | os.PathLike[str], *, folder: bool = False, mode: int = 0o644) -> Path:
        """Write the bundle as one JSON file (atomically; ``mode``: readable by all, as it is published, or 0600 where
        it keeps a person's company, as in a passport), or as a new folder."""
        target = Path(path)
        if not folder:
            write_atomic(target, (json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"), mode=mode)
            return target
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise FileExistsError(f"{str(target)!r} exists and is not an empty folder")
        header = {"type": BUNDLE_TYPE, "version": self.version, "createdAt": format_datetime(self.created_at)}
        _write_json(target / _MANIFEST, header)
        if self.trust_list is not None:
            _write_json(target / _TRUST_LIST, self.trust_list)
        for did, document in self.did_documents.items():
            _write_json(target / _DIDS / did_web_to_path(did), document)
        for number, status_list in enumerate(self.status_lists.values(), start=1):
            _write_json(target / _STATUS / f"{number:04d}.json", status_list)
        if self.contexts:
            mapping = {}
            for number, (url, raw) in enumerate(self.contexts.items(), start=1):
                name = f"context-{number:03d}.jsonld"
                (target / _CONTEXTS).mkdir(parents=True, exist_ok=True)
                (target / _CONTEXTS / name).write_bytes(raw)
                mapping[url] = name
            _write_json(target / _CONTEXTS / MAP_FILE, mapping)
        return target

    def __repr__(self) -> str:
        return (
            f"Bundle(created_at={format_datetime(self.created_at)!r}, trust_list={self.trust_list is not None}, "
            f"did_documents={len(self.did_documents)}, status_lists={len(self.status_lists)}, contexts={len(self.contexts)})"
        )


def _version(version: object) -> SkillspasError:
    """A bundle of a format version this verifier does not read."""
    return _invalid(f"version {shown(version, quoted=True)} is not supported (expected {BUNDLE_VERSION})",
                    f"versie {shown(version, quoted=True)} kan deze verificateur niet lezen (verwacht {BUNDLE_VERSION})", "/version")


def _no_date() -> SkillspasError:
    """A bundle without a proper createdAt."""
    return _invalid("createdAt must be a date-time with a time zone", "createdAt moet een datum en tijd met tijdzone zijn",
                    "/createdAt")


def _read_bytes(file: Path) -> bytes:
    """Read a bundle file up to the size limit (one byte more tells it is too large)."""
    try:
        with open_input(file) as handle:
            return handle.read(_LIMITS.max_bytes + 1)
    except OSError as exc:
        raise file_error(exc, file, "read") from None


def _write_json(file: Path, document: Any) -> None:
    """Write one JSON file of a bundle folder."""
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")

