"""What the page shows for one verification: the verdict, per credential the verified facts, the skills.

Usage::

    view = build_view(result, document=parsed, names=trust_list_names(verifier), vocabulary=vocab)
    view["verdict"]                      # "valid" | "warning" | "invalid" | "unusable"
    view["sentence"]["nl"]               # one plain sentence; view["code"] is shown small

The view is data, not HTML: the page's script renders it with text nodes only. Words a person reads
are given in Dutch and English, so the language switch needs no second request. Facts are taken
only from credentials that verified (``result.summary``); for a credential that failed, the view
says why and nothing else. Names come from the trust list; a name only the credential states is
marked as such (``source: "credential"``). A credential that names its issuer otherwise than the
trust list does is never green: it gets an ``issuer_name_differs`` warning quoting both names; nor is one with
several subjects or achievements, whose order is not signed (``several_warning``: nobody named, nothing counted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from skillspas.schemas.catalogue import Fact, evidence_label, kind_label
from skillspas.schemas.errors import ErrorCode, SkillspasError, shown
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary, framework_of, shown_label
from skillspas.schemas.vc import issuer_id, issuer_name_of, text_of, the_subject, title_of, types_of
from skillspas.verifier.pipeline import Verifier
from skillspas.verifier.policy import AllOf, AnyOf
from skillspas.verifier.result import CredentialSummary, Problem, VerificationResult
from skillspas.verifier.bridge import bridge
from skillspas.verifier.summary import SkillsSummary, evidence_kind, match_vacancy, summarize_skills
from skillspas.verifier.trust import TrustListPolicy
from skillspas.verifier.page.texts import (HEADINGS, PASSPORTS, both, for_count, heading_for, human_date, next_step,
                                          readable_dates, reason)

__all__ = ["as_claimed", "build_view", "challenge_warning", "detail_of", "error_view", "failure_view", "own_type", "passport_sentence",
           "several_warning", "trust_list_names", "trust_list_policies", "unbound_warning", "verdict_of", "Names"]

Names = Callable[[str], "str | None"]
"""Looks up a DID's name on the trust list."""


def trust_list_policies(verifier: Verifier) -> list[TrustListPolicy]:
    """The trust-list policies inside the verifier's policy (a bundle's list, verified or rejected)."""
    found: list[TrustListPolicy] = []
    pending = [verifier.policy]
    while pending:
        policy = pending.pop(0)
        if isinstance(policy, (AnyOf, AllOf)):
            pending.extend(policy.policies)
        elif isinstance(policy, TrustListPolicy):
            found.append(policy)
    return found


def trust_list_names(verifier: Verifier) -> Names:
    """A DID -> name look-up on the verifier's verified trust list (no names without one)."""
    names: dict[str, str] = {}
    for policy in trust_list_policies(verifier):
        for entry in policy.trust_list.entries if policy.trust_list is not None else ():
            names.setdefault(entry.did, entry.name)
    return names.get


def verdict_of(result: VerificationResult) -> str:
    """The colour of ``result``: ``VerificationResult.verdict`` (one rule for the laptop page and the phone page)."""
    return result.verdict


def detail_of(problem: Problem | SkillspasError, given: str | None = None) -> dict[str, str]:
    """A problem's own message in both languages, for the page's "support code" line (the JSON API keeps
    ``message`` in English; the page shows the language it is in). Of a passport put together from a PDF, QR codes or
    files (``given`` in ``texts.PASSPORTS``), ``holder_not_proven`` says so in those terms: it carries no holder proof
    (not that "the holder did not sign the presentation": the employer was given no presentation)."""
    if given in PASSPORTS and problem.code is ErrorCode.HOLDER_NOT_PROVEN:
        return both(f"no_holder_proof_{given}")
    return {lang: problem.text(lang) for lang in ("nl", "en")}


def _problem_json(problem: Problem, count: int | None = None, given: str | None = None) -> dict[str, Any]:
    """A problem as the page says it; ``count``: how many credentials it is about (``texts.reason``); ``given``: how
    the input was given (``texts.GIVEN``), for the advice and detail that fit it."""
    return {
        "code": problem.code.value,
        "sentence": reason(problem.code, count),
        "next": next_step(problem.code, given),
        "detail": detail_of(problem, given),
        "path": problem.path,
    }


def own_type(types: Iterable[str]) -> str:
    """A credential's own type (``MboDiploma``), not the generic ones."""
    names = tuple(types)
    return next((t for t in names if t not in ("VerifiableCredential", "OpenBadgeCredential", "AchievementCredential")),
                names[-1] if names else "?")


def as_claimed(credential: Any) -> dict[str, str] | None:
    """What a credential that failed says it is (its type, title and issuer as written in it), in both languages, on
    the line "volgens het bestand (niet gecontroleerd): …": never as a fact (DESIGN.md threat 8), each value quoted
    with its control characters escaped. ``None`` for no credential (a presentation's entry that is not an object)."""
    if not isinstance(credential, dict):
        return None
    types = tuple(t for t in types_of(credential) if isinstance(t, str))
    title = title_of(credential)
    what = " ".join(shown(value, 100, quoted=True) for value in (own_type(types) if types else None, title) if value)
    name, did = issuer_name_of(credential), issuer_id(credential)
    issuer = " ".join(filter(None, (shown(name, 100, quoted=True) if name else None,
                                    f"({shown(did, 100, quoted=True)})" if did else None)))
    return both("as_claimed", what=what or "?", issuer=issuer or "?")


_NAMED = {ErrorCode.REVOKED: "named_revoked", ErrorCode.SUSPENDED: "named_suspended",
          ErrorCode.EXPIRED: "named_expired", ErrorCode.NOT_YET_VALID: "named_not_yet_valid"}


def failure_view(result: VerificationResult, given: str | None = None) -> dict[str, Any]:
    """Why a credential failed, as its card (and ``skillspas verify``'s passport row) says it: a revoked, suspended or
    expired one is named, with its issuer (trust list) and, expired or not yet valid, since or from when ("verlopen op
    1 maart 2026"); ``given``: how the input was given (``texts.GIVEN``)."""
    problem = result.first_error or Problem(ErrorCode.INVALID_PROOF, "not verified")
    found = _problem_json(problem, given=given)
    about = result.about
    if about is not None and problem.code in _NAMED:
        kind = kind_label(about.types)
        date = (about.valid_until if problem.code is ErrorCode.EXPIRED else about.valid_from) or ""
        title = about.name or ""
        what = {lang: (f"„{title}”" if lang == "nl" else f"“{title}”") if kind[lang].casefold() in title.casefold()
                else f"{kind[lang]} „{title}”" if lang == "nl" else f"{kind[lang]} “{title}”" for lang in ("nl", "en")}
        found["sentence"] = {lang: both(_NAMED[problem.code], what=what[lang] if title else kind[lang],
                                        issuer=about.issuer_name or about.issuer, date=human_date(date, lang))[lang]
                             for lang in ("nl", "en")}
        found["about"] = {"title": about.name, "kind": kind, "issuer": {"did": about.issuer, "name": about.issuer_name}}
    return found


def _claimed_names(document: dict[str, Any]) -> dict[str, str]:
    """Names a verified credential gives its issuer and co-signers (the leerbedrijf of its one subject), by DID."""
    found: dict[str, str] = {}
    subject = the_subject(document)
    cosigners = document.get("coSigner", [])
    nodes = [document.get("issuer"), *(cosigners if isinstance(cosigners, list) else [cosigners])]
    nodes += [subject.get("leerbedrijf")] if subject is not None else []
    for node in nodes:
        did, name = text_of(node, "id"), text_of(node, "name")
        if did and name:
            found.setdefault(did, name)
    return found


def _named(did: str | None, names: Names, claimed: dict[str, str]) -> dict[str, Any]:
    listed = names(did) if did else None
    if listed:
        return {"did": did, "name": listed, "source": "trustList"}
    if did and did in claimed:
        return {"did": did, "name": claimed[did], "source": "credential"}
    return {"did": did, "name": None, "source": None}


def _name_warning(summary: CredentialSummary) -> dict[str, Any] | None:
    """A warning when the credential names its issuer otherwise than the trust list (DESIGN.md threat 8)."""
    if not summary.issuer_name_differs:
        return None
    claimed = shown(str(summary.claimed_issuer_name), 200)
    return {
        "code": "issuer_name_differs",
        "sentence": both("issuer_name_differs", claimed=claimed, listed=summary.issuer_name),
        "next": both("issuer_name_next"),
        "detail": None,
        "path": "/issuer/name",
    }


def several_warning(summary: CredentialSummary) -> dict[str, Any] | None:
    """The warning for a verified credential with several subjects or achievements (``CredentialSummary.several``):
    ``several_subjects`` / ``several_achievements``, the page's card and verdict (orange) and ``skillspas verify``'s
    "LET OP" line alike. ``None`` for a credential of one subject with (at most) one achievement."""
    if summary.several is None:
        return None
    of, count = summary.several
    return {"code": f"several_{of}", "sentence": both(f"several_{of}", n=count), "next": both("several_next"),
            "detail": None, "path": "/credentialSubject" if of == "subjects" else "/credentialSubject/achievement"}


_OWN_WARNINGS = frozenset({"issuer_name_differs", "several_subjects", "several_achievements"})
"""The page's own warnings about what a verified credential says (no ``ErrorCode``: nothing fails), shown on its card
and, for a passport, once above the cards too; each makes the verdict orange."""


def challenge_warning(code: str) -> dict[str, Any]:
    """A warning about the employer's code (challenge), whose advice is to ask for a presentation made with it:
    ``challenge_not_given``, a holder proof the page checked against no code of its own (it proves the holder once
    signed it, not that it was made for this employer: it may be replayed); ``challenge_not_used``, a code given
    with an input that has no holder proof to hold it (a credential, a passport PDF, an unsigned presentation)."""
    return {"code": code, "sentence": both(code), "next": both("challenge_next"), "detail": None,
            "path": "/proof/challenge"}


def unbound_warning(result: VerificationResult, count: int = 1) -> Problem | None:
    """The warning for each genuine credential of a presentation whose holder binding failed
    (``result.holder_failed``): ``holder_not_proven``, an unsigned passport PDF's warning (orange), whose detail names
    the presentation's code. The credential is listed (issuer, type, whom it names), but nothing shows that it is the
    person's who shows it, so none of its skills is proven for them. ``None`` when the binding holds or there is none.
    ``count``: how many credentials it is said of (one card's, or the ``count`` above them)."""
    failed = result.holder_failed
    if failed is None:
        return None
    code = failed.code.value
    whose = "dit bewijsstuk van deze persoon is" if count == 1 else "deze bewijsstukken van deze persoon zijn"
    return Problem(ErrorCode.HOLDER_NOT_PROVEN,
                   f"the presentation's holder proof does not hold ({code}): not shown to belong to this person",
                   "/proof", f"de handtekening van de houder op de presentatie klopt niet ({code}): niet aangetoond "
                             f"dat {whose}")


def _fact_json(fact: Fact) -> dict[str, Any]:
    """A fact as the page shows it: ``fact.to_json()`` with its dates written for people ("4 maart 2026")."""
    found = fact.to_json()
    found["text"] = {lang: readable_dates(text, lang) for lang, text in found["text"].items()}
    return found


def _skill_json(url: str, given: str | None, vocabulary: SkillsVocabulary, established: str | None = None) -> dict[str, Any]:
    """A skill on a credential's card: ``label`` as the data has it, ``shownLabel`` as a reader of each language sees
    it (``schemas.vocab.shown_label``: "dispose waste (Engels)"; the credential's own name, of no known language,
    unmarked when the vocabulary lacks the skill)."""
    known = vocabulary.get(url)
    labels = dict(known.labels) if known else ({"nl": given} if given else {})
    label = {lang: labels.get(lang) or labels.get("en") or next(iter(labels.values()), url) for lang in ("nl", "en")}
    framework = known.framework if known else framework_of(url)
    return {"uri": url, "framework": framework, "label": label,
            "shownLabel": {lang: shown_label(known.labels, lang, url) for lang in ("nl", "en")} if known else dict(label),
            "code": url.rstrip("/").rsplit("/", 1)[-1], "established": established,
            "establishedLabel": evidence_label(established)}


def _credential_view(
    index: int, result: VerificationResult, document: dict[str, Any] | None, names: Names, vocabulary: SkillsVocabulary,
    unbound: Problem | None = None, given: str | None = None,
) -> dict[str, Any]:
    """One credential's card; ``unbound``: its presentation's ``unbound_warning`` (a genuine one is then orange);
    ``given``: how the input was given (``texts.GIVEN``)."""
    verdict = verdict_of(result)
    problem = result.first_error
    view: dict[str, Any] = {"index": index, "verdict": verdict,
                            "heading": heading_for(verdict, problem.code if problem else None)}
    warnings = [_problem_json(w, 1, given) for w in result.all_warnings]
    view["warnings"] = warnings
    if problem is not None or result.summary is None:
        view.update(failure_view(result, given))
        if result.about is None:  # not named by the verifier (forged, unknown issuer): what its file claims, marked so
            view["claimed"] = as_claimed(document)
        return view
    summary = result.summary
    for said in (_name_warning(summary), several_warning(summary)):
        if said is not None:  # never green: whose name the credential borrows; that it names no one person or achievement
            warnings.append(said)
            view.update(verdict="warning", heading=dict(HEADINGS["warning"]))
    if unbound is not None:  # genuine, but not shown to be this person's: first, as on an unsigned passport
        warnings.insert(0, _problem_json(unbound, 1))
        view.update(verdict="warning", heading=dict(HEADINGS["warning"]))
    claimed = _claimed_names(document) if isinstance(document, dict) else {}
    view.update(
        code=None,
        sentence=both("valid_with_warning" if warnings else "valid"),
        next=warnings[0]["next"] if warnings else None,
        title=summary.name,
        kind=kind_label(summary.types),
        evidence=evidence_kind(summary.types),
        types=list(summary.types),
        issuer={"did": summary.issuer, "name": summary.issuer_name, "source": "trustList"}
        if summary.issuer_name else _named(summary.issuer, names, claimed),
        subjectName=summary.subject_name,
        validFrom=summary.valid_from,
        validUntil=summary.valid_until,
        awarded=text_of(document, "awardedDate") if isinstance(document, dict) else None,
        signers=[
            {**_named(did, names, claimed), "role": "issuer" if did == summary.issuer else "cosigner"}
            for did in summary.signers
        ],
        facts=[_fact_json(fact) for fact in summary.facts],
        skills=[_skill_json(s.url, s.name, vocabulary, s.evidence) for s in summary.skills],
    )
    return view


def build_view(
    result: VerificationResult,
    *,
    document: Any = None,
    names: Names = lambda did: None,
    vocabulary: SkillsVocabulary | None = None,
    vacancy: Iterable[str] | None = None,
    bridge_to: Mapping[str, str] | None = None,
    register: Kwalificaties | None = None,
    challenge_checked: bool = False,
    challenge_unused: bool = False,
    given: str | None = None,
    skills: bool = True,
) -> dict[str, Any]:
    """The page's view of ``result``; ``document`` is the parsed input (for names a credential gives).
    ``register`` is the kwalificatie register for progress (the bundled one when ``None``).
    ``challenge_checked``: ``result`` was verified with the employer's challenge (``Verifier.verify(challenge=)``),
    so a holder proof that passed was made for this employer: no ``challenge_not_given`` warning.
    ``challenge_unused``: the employer gave a challenge that ``result`` could not check (``inputs.challenge_for``):
    a valid input is orange, ``challenge_not_used``.
    ``given``: how the person gave the input (``texts.GIVEN``), so that what to do next fits it (a file: ask for the
    original; a photo: a sharper photo) and a passport put together from a PDF, QR codes or files says it carries no
    holder proof in those terms (``detail_of``).

    ``bridge_to`` (``{"occupation": name or URI}`` or ``{"crebo": code}``) adds the werk-naar-werk bridge.
    ``skills=False``: the view without the skills summary, vacancy or bridge (``skillspas verify`` takes only its words:
    the summary reads the vocabulary index and the kwalificatie register, 40-60 ms of a 0.2 s command).
    """
    vocabulary = vocabulary or SkillsVocabulary.bundled()
    is_presentation = isinstance(document, dict) and "VerifiablePresentation" in types_of(document)
    verdict = verdict_of(result)
    deciding = result.first_error
    view: dict[str, Any] = {
        "verdict": verdict,
        "heading": heading_for(verdict, deciding.code if deciding else None),
        "presentation": is_presentation,
        "code": None,
        "detail": None,
        "path": None,
        "warnings": [_problem_json(w, len(result.credentials) or 1, given) for w in result.all_warnings],
        "credentials": [],
        "skills": None,
        "vacancy": None,
        "bridge": None,
        "persons": [p.to_json() for p in result.persons],
        "collect": None,
    }
    if is_presentation:
        if result.errors:  # the presentation itself failed (shape, holder proof): that decides
            view.update(_problem_json(result.errors[0], given=given))
        inner = document.get("verifiableCredential", [])
        inner = result.presented(inner if isinstance(inner, list) else [inner])  # a copy left out: not its card
        unbound = unbound_warning(result)
        view["credentials"] = [
            _credential_view(i, r, inner[i] if i < len(inner) else None, names, vocabulary, unbound, given)
            for i, r in enumerate(result.credentials)
        ]
        above = unbound_warning(result, len(result.credentials))
        if above is not None:  # above the cards, once; nobody's credentials count (result.persons, summarize_skills)
            view["warnings"].insert(0, _problem_json(above, len(result.credentials), given))
        named = [w for c in view["credentials"] for w in c["warnings"] if w["code"] in _OWN_WARNINGS]
        view["warnings"].extend(named)
        replay = result.holder is not None and not result.errors and not challenge_checked
        if replay:  # first: its advice is the page's "what now"
            view["warnings"].insert(0, challenge_warning("challenge_not_given"))
        if (named or replay) and verdict == "valid":
            view.update(verdict="warning", heading=dict(HEADINGS["warning"]))
        if not result.errors:
            view.update(_presentation_sentence(result, view, given))
    elif result.summary is None:  # not verified: why, and nothing the credential claims as a fact (its name if withdrawn)
        view.update(failure_view(result, given))
        if result.about is None:  # what its file claims, on a line that says so (as `skillspas verify` prints it)
            view["claimed"] = as_claimed(document)
        return view
    else:
        single = _credential_view(0, result, document if isinstance(document, dict) else None, names, vocabulary,
                                  given=given)
        view["credentials"] = [single]
        view.update({k: single[k] for k in ("verdict", "heading", "warnings", "sentence", "next", "code")})
        if view["next"] is None and single.get("subjectName"):  # green, but a credential alone proves no holder
            view["next"] = next_step(ErrorCode.HOLDER_NOT_PROVEN)
    if challenge_unused and view["verdict"] in ("valid", "warning"):  # first: its advice is the page's "what now"
        view["warnings"].insert(0, challenge_warning("challenge_not_used"))
        if view["sentence"] == both("valid"):
            view["sentence"] = both("valid_with_warning")
        view.update(verdict="warning", heading=dict(HEADINGS["warning"]), next=view["warnings"][0]["next"])
    view["warnings"] = _once(view["warnings"])
    if not skills:
        return view
    summary = summarize_skills(result, vocabulary=vocabulary, register=register)
    if summary.verified:
        view["skills"] = summary.to_json()
        wanted = [line for line in (vacancy or ()) if line.strip()]
        if wanted:
            try:
                view["vacancy"] = match_vacancy(summary, wanted, vocabulary=vocabulary).to_json()
            except SkillspasError as exc:  # too many or too long lines, or searches too slow: the verdict stands
                view["vacancy"] = {"error": {"nl": exc.text("nl"), "en": exc.text("en")}, "code": exc.code.value,
                                   "lines": [], "covered": 0, "total": 0}
        if bridge_to:
            view["bridge"] = bridge_json(summary, bridge_to, vocabulary)
    return view


def _once(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The verdict's warnings with each sentence once: a passport's credentials that warn alike (a trust list nothing
    pins, status lists too old) are one line above them, not one per credential; each card keeps its own."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for warning in warnings:
        key = (warning["code"], warning["sentence"]["nl"])
        if key not in seen:
            seen.add(key)
            kept.append(warning)
    return kept


def bridge_json(summary: SkillsSummary, target: Mapping[str, str], vocabulary: SkillsVocabulary) -> dict[str, Any]:
    """``bridge(...).to_json()`` for ``target``, or ``{"error": {code, message: {nl, en}}}`` for a refused target."""
    try:
        return bridge(summary, occupation=target.get("occupation"), crebo=target.get("crebo"),
                      index=vocabulary.index).to_json()
    except SkillspasError as exc:
        return {"error": {"code": str(exc.code), "message": {lang: exc.text(lang) for lang in ("nl", "en")}}}


def passport_sentence(result: VerificationResult) -> dict[str, str]:
    """The sentence for a presentation's credentials, in both languages (the page and the CLI): how many are not valid
    ("1 van de 3 bewijsstukken is niet geldig"), or that none is ("Geen van de 2 …": nothing counts); or, all valid,
    whose they are when they are one named person's (the name to compare with an identity document), else how many."""
    total = len(result.credentials)
    bad = sum(1 for c in result.credentials if not c.verified)
    if bad == total > 1:
        return both("none_valid", n=total)
    if bad:
        return both(for_count("one_invalid", total) if bad == 1 else "some_invalid", bad=bad, n=total)
    named = [p.names for p in result.persons]
    if len(named) == 1 and named[0]:
        return both(for_count("all_valid_of", total), n=total, name=" / ".join(named[0]))
    return both(for_count("all_valid", total), n=total)


def _presentation_sentence(result: VerificationResult, view: dict[str, Any], given: str | None = None) -> dict[str, Any]:
    total = len(result.credentials)
    bad = sum(1 for c in result.credentials if not c.verified)
    if total == 0:
        return {"verdict": "warning", "heading": dict(HEADINGS["warning"]), "sentence": both("empty"), "next": None}
    if bad == 0:
        warnings = view["warnings"]
        return {"sentence": passport_sentence(result), "next": warnings[0]["next"] if warnings else None}
    first = result.first_error
    code = first.code if first else ErrorCode.INVALID_PROOF
    failed = next(i for i, c in enumerate(result.credentials) if not c.verified)  # the one the code and advice are about
    return {
        "sentence": passport_sentence(result),
        "code": code.value,
        "next": {lang: both("next_about", n=failed + 1, next=advice)[lang] for lang, advice in next_step(code, given).items()},
        "detail": detail_of(first, given) if first else None,
    }


def error_view(code: ErrorCode, message: str | dict[str, str], *, sentence: dict[str, str] | None = None,
               given: str | None = None) -> dict[str, Any]:
    """The view of an input that could not be checked at all (too large, unreadable QR, too slow); ``given``: how it
    was given (``texts.GIVEN``), for the advice that fits it."""
    verdict = "unusable" if code.exit_code == 2 else "invalid"
    return {
        "verdict": verdict,
        "heading": dict(HEADINGS[verdict]),
        "presentation": False,
        "code": code.value,
        "sentence": sentence or reason(code),
        "next": next_step(code, given),
        "detail": message,
        "path": None,
        "warnings": [],
        "credentials": [],
        "skills": None,
        "vacancy": None,
        "bridge": None,
        "persons": [],
        "collect": None,
    }
