"""Whose credentials a presentation holds: one group per person, and the one person that counts.

Usage::

    persons = group_persons(credentials, holder="did:key:z6Mk…")   # holder: the DID that signed, or None
    counted = next(p for p in persons if p.counted)               # whose skills the summary adds up

A credential names its person by ``credentialSubject.id`` (a DID) and/or ``credentialSubject.name``. One with
several subjects names no one person (``schemas.vc.several_of``): it is a person of its own, as one without a name.

- Two different ids are two people, whatever their names say.
- The same id is one person, whatever the names (a person may change their name).
- Without an id, a name joins the first group with a *compatible* name. Names are compared after
  ``name_tokens``: Unicode-normalised without diacritics, case-folded, a remark in brackets dropped
  ("Anouk Testdata (fictief)"), punctuation as spaces. Two names are compatible when they end in
  the same word (the surname) and every word of the shorter name matches, in order, a word of the
  longer one, or is its initial: "J. de Vries" and "Jan Pieter de Vries" are compatible, "José
  Núñez" and "jose nunez" are equal, "Jan de Vries" and "Anna de Vries" are clearly different.
- A credential with neither id nor name is a person of its own ("unknown"): it cannot be shown to
  be anyone's, so it is never added to someone else's skills.

The person that counts (``counted``) is the holder's group when the holder's DID is a subject id;
otherwise the group with the most credentials, the earliest first on a tie.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from skillspas.schemas.vc import text_of, the_subject

__all__ = ["Person", "group_persons", "name_tokens", "same_person_name", "subject_of"]

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^\w]+")
_MAX_NAME = 300


@dataclass(frozen=True)
class Person:
    """The credentials (by position) that name one person."""

    key: str
    """Stable: ``did:…`` for a subject id, ``name:<normalised name>``, or ``unknown:<position>``."""
    subject_id: str | None
    names: tuple[str, ...]
    credentials: tuple[int, ...]
    holder: bool = False
    """The presentation's verified holder proof is by this person's DID."""
    counted: bool = False
    """This person's credentials are the ones the skills summary and the vacancy match add up."""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "subjectId": self.subject_id, "names": list(self.names),
                "credentials": list(self.credentials), "holder": self.holder, "counted": self.counted}


def subject_of(credential: Any) -> tuple[str | None, str | None]:
    """The (id, name) a credential's one subject gives (``the_subject``), each ``None`` when absent or not text, and
    both for several subjects: none of them is the first."""
    subject = the_subject(credential)
    if subject is None:
        return None, None
    subject_id, name = (text.strip() if text else None for text in (text_of(subject, "id"), text_of(subject, "name")))
    return subject_id, name


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name for comparing: no diacritics, case-folded, no remark in brackets, no punctuation."""
    plain = unicodedata.normalize("NFKD", _BRACKETS.sub(" ", name[:_MAX_NAME]))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return tuple(word for word in _NOT_WORD.sub(" ", plain).replace("_", " ").split() if word)


def _word_matches(short: str, long: str) -> bool:
    return short == long or (len(short) == 1 and long.startswith(short)) or (len(long) == 1 and short.startswith(long))


def same_person_name(a: str, b: str) -> bool:
    """Whether two names can be the same person (not *clearly different*; see the module docstring)."""
    first, second = name_tokens(a), name_tokens(b)
    if not first or not second:
        return False
    if first == second:
        return True
    short, long = sorted((first, second), key=len)
    if short[-1] != long[-1]:
        return False
    position = 0
    for word in short[:-1]:
        while position < len(long) - 1 and not _word_matches(word, long[position]):
            position += 1
        if position == len(long) - 1:
            return False
        position += 1
    return True


@dataclass
class _Group:
    key: str
    subject_id: str | None
    names: list[str]
    credentials: list[int]

    def takes(self, subject_id: str | None, name: str | None) -> bool:
        if subject_id is not None:
            return self.subject_id == subject_id
        if name is None:
            return False
        return any(same_person_name(name, known) for known in self.names)


def group_persons(credentials: Iterable[Any], holder: str | None = None) -> tuple[Person, ...]:
    """One ``Person`` per person the credentials name (see the module docstring), in order of first appearance.

    A credential given as ``None`` (one whose signature did not verify: what it says about its subject
    is not authentic) belongs to no one."""
    groups: list[_Group] = []
    for index, credential in enumerate(credentials):
        if credential is None:
            continue
        subject_id, name = subject_of(credential)
        group = next((g for g in groups if subject_id is not None and g.takes(subject_id, name)), None)
        if group is None:  # by name: a group without an id (a new id joins one and gives it its id)
            group = next((g for g in groups if (subject_id is None or g.subject_id is None) and g.takes(None, name)), None)
            if group is not None and subject_id is not None:
                group.subject_id = group.key = subject_id
        if group is None:
            key = subject_id or ("name:" + " ".join(name_tokens(name)) if name and name_tokens(name) else f"unknown:{index}")
            group = _Group(key, subject_id, [], [])
            groups.append(group)
        group.credentials.append(index)
        if name is not None and name not in group.names:
            group.names.append(name)
    holder_group = next((g for g in groups if holder is not None and g.subject_id == holder), None)
    counted = holder_group or max(groups, key=lambda g: len(g.credentials), default=None)  # max keeps the first on a tie
    return tuple(
        Person(g.key, g.subject_id, tuple(g.names), tuple(g.credentials), g is holder_group, g is counted) for g in groups
    )
