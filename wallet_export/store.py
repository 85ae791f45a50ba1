"""The passport store: a folder with one file per credential, kept byte-for-byte as it was signed.

Usage::

    store = PassportStore("~/.local/share/skillspas/passport")
    entry = store.add(Path("diploma.json").read_bytes())   # checks every proof first
    for entry in store.entries(): print(entry.ref, entry.view.title)
    store.remove(entry.ref)

A credential is stored under the SHA-256 of its bytes (``<64 hex>.json``), so adding the same
file twice keeps one copy, and there is no index that can drift from the files. A checked credential that is
a stored one with more proofs (the same ``id`` and content, its proof set a superset: a praktijkverklaring the
leerbedrijf co-signed after the worker claimed it) replaces that version, and the version with fewer proofs is not
added next to one with the same or more proofs: a passport never holds the half-signed copy an employer would see as
not valid. The folder is the
owner's only (0700) and each file too (0600): they hold names and achievements. The offline
bundle (``bundle.json``: trust list, did:web documents, status lists) is kept next to them, each bundle
given or fetched merged into it (``merged_bundle``, ``keep_bundle``), so did:web credentials (everything
an issuer service produces) can be checked later without naming it again. The worker's own holder key (``holder.key.json``, a
did:key Ed25519 Multikey file, 0600) lives there too: ``init_holder_key`` makes it, ``holder``
loads it to sign presentations and DID-Auth. A credential the passport received but could not add (``passport
claim`` after the one-time offer was used) is kept in ``quarantine/`` (0700; ``<64 hex>.json``, 0600, byte-for-byte):
``quarantine`` puts it there, and adding it later (``add``) takes it out.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from skillspas.keys import Signer, generate
from skillspas.keys.keyfile import load, save
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error, localized_error, shown
from skillspas.schemas.files import private_folder, write_atomic
from skillspas.schemas.jsonio import parse_json, read_back
from skillspas.schemas.limits import Limits
from skillspas.verifier import Bundle, Problem, Verifier
from skillspas.wallet_export.view import CredentialView, Lang, describe

__all__ = ["PassportStore", "StoredCredential", "REF_LENGTH", "read_credential", "write_private"]

REF_LENGTH = 10
"""Hex digits of the SHA-256 shown as a credential's reference (more may be typed)."""

_SUFFIX = ".json"
BUNDLE_FILE = "bundle.json"
"""The passport's own copy of the offline bundle."""
HOLDER_KEY_FILE = "holder.key.json"
"""The worker's holder key (did:key, Ed25519) in the passport folder."""
QUARANTINE_FOLDER = "quarantine"
"""Received credentials that could not be added yet (``PassportStore.quarantine``)."""


@dataclass(frozen=True)
class StoredCredential:
    """One credential in the passport: its bytes, parsed document and short reference."""

    digest: str
    path: Path
    data: bytes
    document: dict[str, Any]
    replaced: tuple[str, ...] = ()
    """References of the stored versions with fewer proofs that this one replaced (``PassportStore.add``)."""

    @property
    def ref(self) -> str:
        """Short reference a person types (the first hex digits of the SHA-256)."""
        return self.digest[:REF_LENGTH]

    def view(self, lang: Lang = "nl") -> CredentialView:
        """What the credential says, for display."""
        return describe(self.document, lang)


class PassportStore:
    """A worker's credentials in one folder (created on first ``add``)."""

    def __init__(self, folder: str | os.PathLike[str], *, limits: Limits = Limits()) -> None:
        self.folder = Path(folder).expanduser()
        self.limits = limits
        self._verifier: Verifier | None = None

    @property
    def bundle_path(self) -> Path:
        return self.folder / BUNDLE_FILE

    def bundle(self) -> Bundle | None:
        """The bundle the passport keeps, or ``None`` (coded errors when it is unusable)."""
        return Bundle.from_file(self.bundle_path) if self.bundle_path.is_file() else None

    def merged_bundle(self, given: Bundle, *, signers: AbstractSet[str] | None = None, replace_documents: bool = False,
                      notes: list[Problem] | None = None) -> Bundle:
        """The passport's bundle with ``given`` merged in (``Bundle.merged``), for ``keep_bundle``: the newer of two
        status lists is kept, on a tie ``given``'s, and every status list taken must verify as its issuer's
        (``status_list_refused`` otherwise, and nothing is merged).

        A bundle the worker names (``passport add --bundle``, ``claim --bundle``; ``signers`` None): a DID document
        that differs from the passport's copy is not taken, the passport's stays (DID documents carry no date: an older
        one would let a key its DID dropped, perhaps a compromised one, verify again), and ``notes`` gets a
        ``did_document_kept`` warning naming it; ``replace_documents`` (``--replace-did-documents``, for a bundle the
        worker knows to be the issuer's newest): its DID documents replace the passport's copies. Its trust list, if it
        has one, replaces the passport's. An issuer's ``/bundle`` a claim fetched (``signers``: the DIDs that signed
        what it issued; the claim passes only what that issuer speaks for, ``claim._spoken_for``): only their documents
        replace the passport's, another that differs is ``schema_invalid``, and
        its trust list is never kept (an issuer's own vouches for nothing)."""
        kept = self.bundle() or Bundle.create()
        if signers is not None:
            return kept.merged(given, fresh=signers)
        if notes is not None and not replace_documents:  # said first: a status list that only a document left out
            notes.extend(_document_kept(did) for did in kept.differing_documents(given))  # verifies is refused
        merged = kept.merged(given, fresh=True if replace_documents else frozenset(), keep_own_documents=True)
        if given.trust_list is not None:
            merged = replace(merged, trust_list=given.trust_list)
        return merged

    def keep_bundle(self, bundle: Bundle) -> Path:
        """Keep ``bundle`` as the passport's bundle (replacing the one it kept: ``merged_bundle`` merges first), the
        owner's only as the passport's other files: its issuers' documents and status lists say where they studied."""
        self._private_folder()
        self._verifier = None
        return bundle.to_file(self.bundle_path, mode=0o600)

    @property
    def holder_key_path(self) -> Path:
        return self.folder / HOLDER_KEY_FILE

    def init_holder_key(self, *, force: bool = False) -> Signer:
        """Make the worker's did:key holder key (folder 0700, file 0600); ``key_exists`` unless ``force``."""
        if self.holder_key_path.exists() and not force:
            raise error_for(ErrorCode.KEY_EXISTS, f"{self.holder_key_path} already holds your key; --force replaces it",
                            nl=f"{self.holder_key_path} bevat je sleutel al; --force vervangt hem (bewijsstukken op de oude"
                               " sleutel passen er dan niet meer bij)")
        self._private_folder()
        return save(generate("ed25519"), self.holder_key_path, overwrite=force)

    def holder(self) -> Signer | None:
        """The worker's holder key, or ``None`` when ``passport init`` has not made one."""
        if not self.holder_key_path.exists():
            return None
        return load(self.holder_key_path)

    def _private_folder(self) -> None:
        """Create the passport folder, the owner's only (0700)."""
        private_folder(self.folder)
        if self.folder.stat().st_mode & 0o077:  # a folder of personal data and a key: the owner's only
            self.folder.chmod(0o700)

    @property
    def quarantine_folder(self) -> Path:
        return self.folder / QUARANTINE_FOLDER

    def quarantine(self, data: bytes) -> Path:
        """Keep a received credential (JSON bytes, unchecked) that could not be added, under its SHA-256 in the
        quarantine folder (0700, the file 0600); its path. ``add`` takes it out once it is added."""
        self._private_folder()
        path = private_folder(self.quarantine_folder) / f"{hashlib.sha256(data).hexdigest()}{_SUFFIX}"
        return write_private(path, data)

    def quarantined(self) -> list[Path]:
        """The credentials kept in the quarantine (``quarantine``), oldest first: received, not added yet."""
        folder = self.quarantine_folder
        if not folder.is_dir():
            return []
        paths = [p for p in folder.iterdir() if p.suffix == _SUFFIX and _is_digest(p.stem)]
        return sorted(paths, key=lambda p: (p.stat().st_mtime_ns, p.stem))

    def _leave_quarantine(self, digest: str) -> None:
        """Remove the quarantined copy of a credential the passport now holds (if there is one)."""
        (self.quarantine_folder / f"{digest}{_SUFFIX}").unlink(missing_ok=True)

    def verifier(self, bundle: Bundle | None = None) -> Verifier:
        """A verifier with ``bundle``, else the passport's own bundle, else did:key keys only."""
        if bundle is not None:
            return Verifier(bundle=bundle, limits=self.limits)
        self._verifier = self._verifier or Verifier(bundle=self.bundle(), limits=self.limits)
        return self._verifier

    def add(self, data: bytes, *, check: bool = True, bundle: Bundle | None = None) -> StoredCredential:
        """Store a signed credential (JSON bytes); with ``check``, every proof must verify first
        (did:web keys from ``bundle``, else from the passport's bundle)."""
        document = read_credential(data, self.limits)
        if check:
            result = self.verifier(bundle).check_proofs(data)
            if result.first_error is not None:
                problem = result.first_error
                raise error_for(problem.code, problem.message, problem.path, nl=problem.message_nl)
        digest = hashlib.sha256(data).hexdigest()
        versions = [v for v in self._versions(document) if v.digest != digest] if check else []
        proofs = _proof_set(document)
        kept = next((v for v in versions if proofs <= _proof_set(v.document)), None)
        if kept is not None:  # the passport already holds this credential, with these proofs or more
            self._leave_quarantine(digest)
            return kept
        path = self.folder / f"{digest}{_SUFFIX}"
        if not path.exists():
            self._private_folder()
            write_private(path, data)
            # Its time to the nanosecond: the file system's own clock ticks every few milliseconds, so two
            # credentials added in one tick were listed by digest, not in the order they were added.
            moment = time.time_ns()
            os.utime(path, ns=(moment, moment))
        replaced = [v for v in versions if _proof_set(v.document) < proofs]
        for version in replaced:
            version.path.unlink()
        self._leave_quarantine(digest)
        return StoredCredential(digest, path, data, document, tuple(v.ref for v in replaced))

    def entries(self) -> list[StoredCredential]:
        """Every stored credential, oldest first (by file time, then digest)."""
        return [self._load(path) for path in self._paths()]

    def _paths(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        paths = [p for p in self.folder.iterdir() if p.suffix == _SUFFIX and _is_digest(p.stem)]
        paths.sort(key=lambda p: (p.stat().st_mtime_ns, p.stem))
        return paths

    def _versions(self, document: dict[str, Any]) -> list[StoredCredential]:
        """The stored credentials that are ``document`` with another proof set: the same ``id`` and content."""
        if not isinstance(document.get("id"), str):
            return []
        unsigned = _without_proof(document)
        found = []
        for path in self._paths():
            try:
                entry = self._load(path)
            except (SkillspasError, OSError):  # a damaged file is for list and show to report, not for add
                continue
            if entry.document.get("id") == document["id"] and _without_proof(entry.document) == unsigned:
                found.append(entry)
        return found

    def get(self, ref: str) -> StoredCredential:
        """The credential whose reference starts with ``ref`` (at least 4 hex digits, unambiguous); else
        ``invalid_option``."""
        return self._load(self._path_of(ref))

    def _path_of(self, ref: str) -> Path:
        """The one stored file whose name starts with ``ref`` (found by name: another damaged file is no matter)."""
        ref = ref.strip().lower()
        quoted = shown(ref, quoted=True)
        if len(ref) < 4 or not _is_hex(ref):
            raise _no_reference(f"{quoted} is not a credential reference (at least 4 hex digits)",
                                f"{quoted} is geen referentie van een bewijsstuk (minstens 4 hexadecimale cijfers)")
        matches = [p for p in self._paths() if p.stem.startswith(ref)]
        if not matches:
            raise _no_reference(f"no credential {quoted} in {self.folder}", f"geen bewijsstuk {quoted} in {self.folder}")
        if len(matches) > 1:
            raise _no_reference(f"{quoted} matches {len(matches)} credentials; type more digits",
                                f"{quoted} past bij {len(matches)} bewijsstukken; typ meer cijfers")
        return matches[0]

    def remove(self, ref: str) -> StoredCredential:
        """Delete one credential from the passport and return it; a damaged file too (its document is then empty)."""
        path = self._path_of(ref)
        try:
            entry = self._load(path)
        except SkillspasError:
            entry = StoredCredential(path.stem, path, b"", {})
        path.unlink()
        return entry

    def _load(self, path: Path) -> StoredCredential:
        """A stored credential, read back within ``limits`` (``read_back``: not through a link, a pipe not waited for);
        a coded refusal that says how to remove what is in its place."""
        try:
            data = read_back(path, self.limits.max_bytes)
            document = read_credential(data, self.limits)
        except (OSError, SkillspasError) as refused:  # an OSError: a folder, pipe, link or huge file in its place
            exc, named = ((refused, f"{path.name}: ") if isinstance(refused, SkillspasError)
                          else (file_error(refused, path, "read"), ""))  # which names the file itself
            ref = path.stem[:REF_LENGTH]
            raise error_for(exc.code, f"{named}{exc.message}; `skillspas passport remove {ref}` removes it",
                            exc.path, nl=f"{named}{exc.text('nl')}; `skillspas passport remove {ref}` verwijdert het"
                            ) from None
        return StoredCredential(path.stem, path, data, document)


def _document_kept(did: str) -> Problem:
    """The ``did_document_kept`` warning: the passport kept its own DID document of ``did``, not a named bundle's."""
    quoted = shown(did, quoted=True)
    return Problem.of(localized_error(
        ErrorCode.DID_DOCUMENT_KEPT, path="/didDocuments",
        en=f"the bundle's DID document of {quoted} differs from the passport's, which is kept: DID documents carry no "
           "date, and an older one could let a key its issuer dropped count again; if this bundle is the issuer's "
           "newest, give it again with --replace-did-documents",
        nl=f"het DID-document van {quoted} in de controlebundel verschilt van dat in je paspoort, en dat van je paspoort "
           "blijft: DID-documenten hebben geen datum, en een ouder document kan een sleutel die de uitgever liet vallen "
           "weer laten gelden; is deze bundel de nieuwste van de uitgever, geef hem dan opnieuw met "
           "--replace-did-documents"))


def _no_reference(en: str, nl: str) -> SkillspasError:
    """``invalid_option`` for a reference that names no one credential of the passport; the Dutch says how to see them."""
    return localized_error(ErrorCode.INVALID_OPTION, en=en, nl=f"{nl}; `skillspas passport list` toont de referenties")


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path``, readable by the owner only (0600), through a temporary file that
    replaces it whole (personal data: the passport's credentials and everything exported from them)."""
    return write_atomic(path, data)


def read_credential(data: bytes, limits: Limits = Limits()) -> dict[str, Any]:
    """The credential in ``data`` (JSON bytes): ``schema_invalid`` for anything but a VerifiableCredential (a
    presentation, a bundle), which no passport holds and no passport command takes as a credential."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("a credential is added as its JSON bytes")
    document = parse_json(bytes(data), limits)
    if not isinstance(document, dict):
        raise error_for(ErrorCode.SCHEMA_INVALID, "a credential must be a JSON object", "/",
                        nl="een bewijsstuk moet een JSON-object zijn")
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        raise error_for(ErrorCode.SCHEMA_INVALID, "only a VerifiableCredential goes into a passport", "/type",
                        nl="alleen een bewijsstuk (VerifiableCredential) kan in je paspoort")
    return document


def _without_proof(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "proof"}


def _proof_set(document: dict[str, Any]) -> frozenset[str]:
    """A document's proofs (one or a set), each as canonical JSON, to compare proof sets."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [] if proofs is None else [proofs]
    return frozenset(json.dumps(proof, sort_keys=True, ensure_ascii=False) for proof in proofs)


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _is_digest(text: str) -> bool:
    return len(text) == 64 and _is_hex(text)
