"""Open Badges 3.0 export: each credential as its own OB 3.0 JSON file, still verifiable.

Usage::

    badge = to_openbadge(signed)                     # the same signed credential, OB 3.0 shaped
    paths = write_openbadges([a, b], "badges/")      # badges/01-mbo-diploma-....json

Skillspas credentials are already ``OpenBadgeCredential``s (VC 2.0 + OB 3.0 context). The one
change made is ``proof`` as an array, as the strict OB 3.0 AchievementCredential schema wants;
a proof is not part of what it signs, so every proof still verifies.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from skillspas.schemas.errors import ErrorCode, UnusableInput
from skillspas.schemas.files import private_folder
from skillspas.wallet_export.store import write_private

__all__ = ["OB3_CONTEXT_PREFIX", "NotAnOpenBadge", "to_openbadge", "write_openbadges", "slug"]

OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
_OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")


class NotAnOpenBadge(UnusableInput):
    """``schema_invalid``: the credential is not shaped as an Open Badges 3.0 credential."""


def _not_a_badge(en: str, nl: str) -> NotAnOpenBadge:
    return NotAnOpenBadge(ErrorCode.SCHEMA_INVALID, en, message_nl=nl)


def to_openbadge(credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` as an OB 3.0 ``OpenBadgeCredential`` document (proof as an array)."""
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if not any(t in types for t in _OB_TYPES):
        raise _not_a_badge("the credential is not an OpenBadgeCredential or AchievementCredential",
                          "het bewijsstuk is geen OpenBadgeCredential of AchievementCredential")
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not any(isinstance(c, str) and c.startswith(OB3_CONTEXT_PREFIX) for c in contexts):
        raise _not_a_badge("the credential does not use the Open Badges 3.0 context",
                          "het bewijsstuk gebruikt de Open Badges 3.0-context niet")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        raise _not_a_badge("the credential has no credentialSubject.achievement",
                          "het bewijsstuk heeft geen credentialSubject.achievement")
    badge = dict(credential)
    if isinstance(badge.get("proof"), dict):
        badge["proof"] = [badge["proof"]]
    return badge


def slug(text: str, *, length: int = 48) -> str:
    """A file-name-safe form of ``text`` (ASCII, lower case, dashes)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:length].strip("-") or "credential"


def write_openbadges(credentials: Iterable[dict[str, Any]], folder: str | os.PathLike[str]) -> list[Path]:
    """Write each credential as ``NN-<title>.json`` (OB 3.0 JSON) into ``folder``."""
    badges = [to_openbadge(credential) for credential in credentials]
    root = private_folder(Path(folder))
    width = max(2, len(str(len(badges))))
    paths = []
    for number, badge in enumerate(badges, 1):
        name = badge.get("name")
        name = name if isinstance(name, str) else ""
        path = root / f"{number:0{width}d}-{slug(name)}.json"
        write_private(path, (json.dumps(badge, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        paths.append(path)
    return paths
