"""The bundled JSON-LD contexts, SHA-256 checked at load, plus an optional user folder.

Only contexts known here are ever loaded (DESIGN.md threat 2). A user folder holds a
``contexts.map.json`` (URL -> file name); a file in it for a URL we bundle must have one of
the bundled digests, so a folder can add contexts but never change one.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.jsonio import open_input, parse_json
from skillspas.schemas.limits import Limits

__all__ = ["ContextRegistry", "Context", "VC_V1", "VC_V2", "DATA_INTEGRITY_V2", "STATUS_V1", "bundled_registry", "export_contexts",
           "unknown_context"]


def unknown_context(url: object, path: str | None = None) -> SkillspasError:
    """``unknown_context`` for a context URL that is not bundled (never fetched), in English and Dutch; the URL
    shown to 100 characters."""
    name = shown(url, quoted=True)
    return localized_error(ErrorCode.UNKNOWN_CONTEXT, en=f"context {name} is not bundled and is never fetched",
                           nl=f"de context {name} kent deze verificateur niet (en hij haalt niets van internet)", path=path)


def _context_refused(en: str, nl: str, code: ErrorCode = ErrorCode.UNKNOWN_CONTEXT) -> SkillspasError:
    """A context of a folder (``--contexts``) or bundle, or the folder's map, that cannot be used: English and Dutch."""
    return localized_error(code, en=en, nl=f"{nl}; controleer de map met contexten (--contexts) of de controlebundel")


VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
"""The VC Data Model 1.1 base context: verified (credentials others issue), never what skillspas builds."""
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
"""The proof terms for a VC 1.1 document (VC 2.0's base context has them)."""
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
"""The Bitstring Status List terms for a VC 1.1 document (VC 2.0's base context has them)."""
MAP_FILE = "contexts.map.json"
_MAX_CONTEXT_BYTES = 512 * 1024
_CONTEXT_LIMITS = Limits(max_bytes=_MAX_CONTEXT_BYTES)


@dataclass(frozen=True)
class Context:
    """One loaded context document."""

    url: str
    sha256: str
    raw: bytes
    document: Any
    bundled: bool


class ContextRegistry:
    """Context documents by URL; nothing outside it can be loaded."""

    def __init__(self, contexts: Mapping[str, Context], accepted: Mapping[str, frozenset[str]]) -> None:
        self._contexts = dict(contexts)
        self._accepted = dict(accepted)

    def __contains__(self, url: object) -> bool:
        return url in self._contexts

    def get(self, url: str) -> Context:
        """The context for ``url``, or ``unknown_context``."""
        try:
            return self._contexts[url]
        except KeyError:
            raise unknown_context(url) from None

    def urls(self) -> list[str]:
        """All known context URLs."""
        return list(self._contexts)

    def with_folder(self, folder: str | os.PathLike[str]) -> "ContextRegistry":
        """A new registry with the contexts of a user folder (``contexts.map.json``) added."""
        root = Path(folder)
        map_file = root / MAP_FILE
        try:
            with open_input(map_file) as handle:  # a link to /dev/zero or a pipe: bounded, no wait
                raw = handle.read(_MAX_CONTEXT_BYTES + 1)
        except FileNotFoundError:
            raise _context_refused(f"{map_file} not found", f"{map_file} ontbreekt") from None
        except OSError as exc:
            raise _context_refused(f"cannot read {map_file}: {exc.strerror}", f"kan {map_file} niet lezen: {exc.strerror}") from None
        try:
            mapping = parse_json(raw, _CONTEXT_LIMITS)
        except SkillspasError as exc:
            raise _context_refused(f"cannot read {map_file}: {exc.message}", f"kan {map_file} niet lezen: {exc.text('nl')}") from None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise _context_refused(f"{map_file} must map URLs to file names",
                                  f"{map_file} moet elke URL op een bestandsnaam afbeelden")
        contexts = dict(self._contexts)
        for url, name in mapping.items():
            path = (root / name).resolve()
            if root.resolve() not in path.parents:
                raise _context_refused(f"context file {shown(name, quoted=True)} is outside {root}",
                                      f"het contextbestand {shown(name, quoted=True)} staat buiten {root}")
            raw = _read(path)
            digest = hashlib.sha256(raw).hexdigest()
            if url in self._accepted:
                if digest not in self._accepted[url]:
                    raise _context_refused(f"{shown(name, quoted=True)} differs from the bundled context {url} (sha256 {digest})",
                                          f"{shown(name, quoted=True)} verschilt van de meegeleverde context {url} (sha256 {digest})")
                continue  # the bundled copy is served
            contexts[url] = Context(url, digest, raw, _parse(raw, url), bundled=False)
        return ContextRegistry(contexts, self._accepted)

    def with_documents(self, documents: Mapping[str, bytes]) -> "ContextRegistry":
        """A new registry with in-memory contexts (URL -> exact bytes) added, e.g. from an offline bundle.

        As with a folder, a document for a URL we bundle must have one of the bundled digests.
        """
        contexts = dict(self._contexts)
        for url, raw in documents.items():
            if not isinstance(url, str) or not isinstance(raw, bytes):
                raise TypeError("documents must map context URLs to bytes")
            if len(raw) > _MAX_CONTEXT_BYTES:
                raise _context_refused(f"context {shown(url)} is too large",
                                       f"de context {shown(url)} is te groot (hoogstens {_MAX_CONTEXT_BYTES} bytes)", ErrorCode.TOO_LARGE)
            digest = hashlib.sha256(raw).hexdigest()
            if url in self._accepted:
                if digest not in self._accepted[url]:
                    raise _context_refused(f"a copy of the bundled context {shown(url)} differs (sha256 {digest})",
                                           f"een kopie van de meegeleverde context {shown(url)} wijkt af (sha256 {digest})")
                continue
            contexts[url] = Context(url, digest, raw, _parse(raw, url), bundled=False)
        return ContextRegistry(contexts, self._accepted)

    def export(self, folder: str | os.PathLike[str]) -> Path:
        """Write every served context and a ``contexts.map.json`` into ``folder``."""
        return export_contexts(self._contexts.values(), folder)


def _read(path: Path) -> bytes:
    name = shown(path.name, quoted=True)
    try:
        with open_input(path) as handle:  # at most one byte over: a file that grows, or a device, is not read on
            raw = handle.read(_MAX_CONTEXT_BYTES + 1)
        if len(raw) > _MAX_CONTEXT_BYTES:
            raise _context_refused(f"context file {name} is too large",
                                  f"het contextbestand {name} is te groot (hoogstens {_MAX_CONTEXT_BYTES} bytes)",
                                  ErrorCode.TOO_LARGE)
        return raw
    except OSError as exc:
        missing = isinstance(exc, FileNotFoundError)
        raise _context_refused(f"cannot read context file {name}: {exc.strerror}",
                               f"het contextbestand {name} ontbreekt" if missing
                               else f"kan het contextbestand {name} niet lezen: {exc.strerror}") from None


def _parse(raw: bytes, url: str) -> Any:
    try:
        document = parse_json(raw, _CONTEXT_LIMITS)
    except SkillspasError:
        raise _context_refused(f"context {shown(url)} is not JSON", f"de context {shown(url)} is geen JSON") from None
    if not isinstance(document, dict) or "@context" not in document:
        raise _context_refused(f"context {shown(url)} has no @context", f"de context {shown(url)} heeft geen @context")
    return document


def _file_name(url: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "_" for c in url.split("://", 1)[-1]) + ".jsonld"


def export_contexts(contexts: Iterable[Context], folder: str | os.PathLike[str]) -> Path:
    """Write ``contexts`` (byte-exact) and their ``contexts.map.json`` into ``folder``."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    mapping = {}
    for context in contexts:
        name = _file_name(context.url)
        (root / name).write_bytes(context.raw)
        mapping[context.url] = name
    (root / MAP_FILE).write_text(json.dumps(mapping, indent=2) + "\n", "utf-8")
    return root


_BUNDLED: ContextRegistry | None = None


def bundled_registry() -> ContextRegistry:
    """The registry of contexts shipped in ``skillspas/schemas/data/contexts`` (checked once)."""
    global _BUNDLED
    if _BUNDLED is None:
        base = resources.files("skillspas.schemas") / "data" / "contexts"
        manifest = parse_json((base / "MANIFEST.json").read_bytes())
        contexts: dict[str, Context] = {}
        accepted: dict[str, set[str]] = {}
        for entry in manifest["contexts"]:
            raw = (base / entry["file"]).read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            if digest != entry["sha256"]:
                raise RuntimeError(f"bundled context {entry['file']} is corrupt (sha256 {digest})")
            accepted.setdefault(entry["url"], set()).add(digest)
            if entry["served"]:
                contexts[entry["url"]] = Context(entry["url"], digest, raw, _parse(raw, entry["url"]), True)
        _BUNDLED = ContextRegistry(contexts, {k: frozenset(v) for k, v in accepted.items()})
    return _BUNDLED
