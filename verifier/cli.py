"""``skillspas verify``, ``skillspas bundle`` and ``skillspas contexts``: exit 0 valid, 1 not valid, 2 unusable.

    skillspas bundle create --trust-list tl.json --dids dids/ --status-list sl.json --out bundle.json
    skillspas verify diploma.json --bundle bundle.json            # trust, keys, status: bundle only
    skillspas verify diploma.json --trust-issuer did:key:z6Mk...  # no bundle: name the issuer
    skillspas verify paspoort.pdf --bundle bundle.json            # every QR code of a worker's passport PDF
    skillspas verify diploma.json evc.json --bundle bundle.json   # several files (JSON, QR images): one passport

No tracebacks; a stale status list is a warning (exit 0), shown as LET OP / WARNING.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Optional

import typer

from skillspas.keys.did_web import verification_method_ids
from skillspas.schemas.catalogue import credential_type, evidence_label, kind_label
from skillspas.schemas.jsonld.contexts import bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error, localized_error, shown
from skillspas.schemas.jsonio import parse_json, read_input, read_json_file
from skillspas.schemas.limits import Limits
from skillspas.schemas.messages import text
from skillspas.schemas.report import refuse, warn
from skillspas.schemas.text import escaped, one_line
from skillspas.schemas.vc import types_of
from skillspas.verifier.bundle import Bundle
from skillspas.verifier.page.texts import HEADINGS, PASSPORTS, WORDS, both, counted, heading_for, readable_dates
from skillspas.verifier.page.inputs import given_as, is_image
from skillspas.verifier.page.view import (as_claimed, build_view, detail_of, failure_view, own_type, passport_sentence,
                                         several_warning, unbound_warning)
from skillspas.verifier.pdf import MAX_PDF_BYTES, is_pdf
from skillspas.verifier.pipeline import Verifier
from skillspas.verifier.qr import is_payload, join_sets
from skillspas.verifier.result import CredentialSummary, Problem, VerificationResult
from skillspas.verifier.status import list_bits
from skillspas.verifier.run import parse_duration, parse_now, result_text, verify_input
from skillspas.verifier.trust import TrustListPolicy, checked_dids, pinned_keys

if TYPE_CHECKING:
    from skillspas.verifier.summary import SkillsSummary

__all__ = ["verify_command", "contexts_app", "bundle_app", "parse_duration", "checked_trust_list"]

bundle_app = typer.Typer(
    help="The offline verification bundle / De offline-controlebundel.", no_args_is_help=True
)

contexts_app = typer.Typer(help="The bundled JSON-LD contexts / De meegeleverde JSON-LD-contexten.", no_args_is_help=True)


def verify_command(
    files: Annotated[Optional[list[str]], typer.Argument(help="Credential or presentation JSON (or QR text 'SP4:…'), a photo of a QR code (PNG/JPEG), a worker's passport PDF (every QR code in it), or - for stdin; or several QR codes (images or texts) and credentials' JSON files, checked together as one passport, the parts of a numbered set ('SPP:…') joined in any order")] = None,
    qr: Annotated[Optional[list[Path]], typer.Option("--qr", help="Photo or screenshot (PNG/JPEG) of a skillspas QR code; the names after it are read as QR codes too (the parts of a set: --qr a.png b.png)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result object as JSON")] = False,
    bundle: Annotated[Optional[Path], typer.Option("--bundle", help="Offline bundle (file or folder): trust list, DID documents, status lists")] = None,
    contexts: Annotated[Optional[Path], typer.Option(help="Folder of extra contexts (contexts.map.json)")] = None,
    trust_issuer: Annotated[Optional[list[str]], typer.Option("--trust-issuer", help="Trust this issuer DID (repeatable)")] = None,
    trust_anchor: Annotated[Optional[list[str]], typer.Option("--trust-anchor", help="The bundle's trust list must be signed by this DID (repeatable)")] = None,
    max_status_age: Annotated[str, typer.Option("--max-status-age", help="Status lists older than this are a warning (7d, 36h)")] = "7d",
    challenge: Annotated[Optional[str], typer.Option(help="Expected presentation challenge")] = None,
    domain: Annotated[Optional[str], typer.Option(help="Expected presentation domain")] = None,
    lang: Annotated[str, typer.Option(help="nl or en")] = "nl",
    max_bytes: Annotated[int, typer.Option(help="Largest input accepted")] = Limits.max_bytes,
    max_depth: Annotated[int, typer.Option(help="Deepest JSON nesting accepted")] = Limits.max_depth,
    now: Annotated[Optional[str], typer.Option("--now", help="Verify as at this instant (ISO 8601, e.g. 2026-12-01T00:00:00Z) instead of the clock")] = None,
) -> None:
    """Verify a credential or presentation offline / Controleer een bewijsstuk offline."""
    limits = Limits(max_bytes=max_bytes, max_depth=max_depth)
    if not files and not qr:
        raise refuse(error_for(ErrorCode.INVALID_OPTION, "give a FILE (or -), or --qr IMAGE [IMAGE ...]",
                               nl="geef een BESTAND (of -), of --qr AFBEELDING [AFBEELDING ...]"), as_json=as_json)
    file = files[0] if files and len(files) == 1 else None
    given = "file"  # how it was given (texts.GIVEN): the advice fits it; "pdf", "qr", "files": a passport put together
    try:
        checked_dids(trust_issuer, "--trust-issuer")  # before the input is read: a file name given for a DID is the
        checked_dids(trust_anchor, "--trust-anchor")  # user's slip, not every credential's untrusted issuer
        if qr or (files and len(files) > 1):  # after --qr every name is a QR image or text: one code, or a set's parts;
            # several names without --qr may be credentials' JSON files too: all of them one passport
            data, given = _qr_parts_input([*(qr or []), *(files or [])], limits, files=not qr)
        elif file is not None and is_payload(file.lstrip()):  # QR text given as the argument itself
            data, given = file.encode("utf-8"), "text"
        else:
            data = read_input(str(file), max(limits.max_bytes, MAX_PDF_BYTES))
            given = given_as(data)
            if is_pdf(data):
                data = _pdf_input(data, limits)
            elif file != "-" and is_image(data):  # a photo of a QR code given without --qr
                data = _qr_parts_input([data], limits)[0]
            else:
                data = data[: limits.max_bytes + 1]
        source = given if given in PASSPORTS else None  # a passport of several credentials, put together here
        # A PDF's QR codes (or several QR codes) are put together here into a presentation nobody signed: nothing in
        # it can carry the employer's challenge or domain. It is checked as it is and says so, as the page does
        # (inputs.challenge_for).
        code_unused = source is not None and bool(challenge or domain)
        result = verify_input(
            data, bundle=bundle, contexts=contexts, trusted_issuers=trust_issuer, trust_anchors=trust_anchor,
            max_status_age=max_status_age, challenge=None if source else challenge,
            domain=None if source else domain, limits=limits, now=parse_now(now) if now is not None else None,
        )
    except SkillspasError as exc:
        raise refuse(exc, as_json=as_json) from None
    if as_json:
        if source is not None:
            _print_passport(result, lang, as_json, [], code_unused=code_unused, source=source)
        else:
            typer.echo(result_text(result))
        raise typer.Exit(result.exit_code)
    inner = _inner_credentials(data, result, limits)
    # The page's view of this result, for the words the text shares with the page (its "Wat nu?", the issuer's name).
    document = _parsed(data, limits) if result.checks and result.checks[0].ok else None
    view = build_view(result, document=document, challenge_checked=challenge is not None and source is None,
                      challenge_unused=code_unused, given=given, skills=False)
    if source is not None:
        _print_passport(result, lang, as_json, inner, code_unused=code_unused, source=source)
    else:
        _print_verdict(result, lang, inner, view, replay=result.holder is not None and challenge is None)
    _print_next(view, lang)
    raise typer.Exit(result.exit_code)


def _print_next(view: dict[str, Any], lang: str) -> None:
    """The page's "Wat nu?" (``build_view``'s ``next``): e.g. check the holder's identity yourself for a credential
    alone, update the bundle for an issuer it does not know, ask for the original of a file that could not be read
    (``build_view(given=)``). Not the employer's-code advice, which the note about the code above has already said."""
    advice = view["next"]
    if advice and advice != both("challenge_next"):
        typer.echo(f"{WORDS[lang]['next']} {advice[lang]}")


def _parsed(data: bytes, limits: Limits) -> Any:
    """The document ``data`` holds as the verifier read it (a QR code's text decoded first), or None."""
    try:
        if is_payload(data.lstrip()[:4].decode("latin-1")):  # the text of a QR code: run.verify_with decoded it
            from skillspas.verifier.qr import decode_payload

            data = decode_payload(data.decode("utf-8", "replace"), limits)
        return parse_json(data, limits)
    except SkillspasError:  # it parsed for the verifier: this is no more than a name for a person
        return None


def _inner_credentials(data: bytes, result: VerificationResult, limits: Limits) -> list[Any]:
    """The credentials of a presentation as written in the input, by position, read again once it parsed (as the
    page reads its input again for its view): to say what a failed one claims to be. A credential's own, alone."""
    if result.verified or not (result.checks and result.checks[0].ok):
        return []
    document = _parsed(data, limits)
    if document is None:
        return []
    if isinstance(document, dict) and "VerifiablePresentation" not in types_of(document):
        return [document]
    inner = document.get("verifiableCredential") if isinstance(document, dict) else None
    return result.presented(inner if isinstance(inner, list) else [inner])


def _pdf_input(data: bytes, limits: Limits) -> bytes:
    """The credentials of every QR code of a passport PDF, as one presentation without holder proof (as the
    page checks a dropped PDF: ``verifier/page/inputs.py``)."""
    from skillspas.verifier.page.inputs import passport_of, pdf_credentials, pdf_too_large  # pypdf, Pillow, zxing only here

    if len(data) > MAX_PDF_BYTES:
        raise pdf_too_large(MAX_PDF_BYTES)
    return passport_of(pdf_credentials(data, limits), limits)


def passport_json(result: VerificationResult, summary: SkillsSummary, *, code_unused: bool = False,
                  source: str = "pdf") -> dict[str, Any]:
    """The ``passport`` key of ``verify passport.pdf --json`` (``source`` "pdf"; "qr" for several QR codes given
    together, each a whole credential or a set's parts; "files" for several files, credentials' JSON among them):
    one row per credential (its verdict, what it is, whose it is) and the skills summary of the one person that counts (``SkillsSummary.to_json()``).
    ``code_unused``: the employer's challenge or domain could not be checked (a PDF carries no holder proof), so a
    valid passport is a ``warning``, as on the page (``challenge_not_used``)."""
    owner = {index: person.key for person in result.persons for index in person.credentials}
    rows = []
    for index, item in enumerate(result.credentials):
        what = item.summary or item.about
        problem = item.first_error
        rows.append({
            "credential": index, "verdict": item.verdict, "code": problem.code.value if problem else None,
            "name": what.name if what else None, "type": own_type(what.types) if what else None,
            "issuer": what.issuer if what else None, "issuerName": what.issuer_name if what else None,
            "person": owner.get(index),
        })
    verdict = "warning" if code_unused and result.verdict == "valid" else result.verdict
    return {"source": source, "verdict": verdict, "credentials": rows, "summary": summary.to_json()}


def _print_passport(result: VerificationResult, lang: str, as_json: bool, inner: list[Any],
                    *, code_unused: bool = False, source: str = "pdf") -> None:
    """One passport view of a passport PDF: the verdict, per person their credentials with each verdict (a failed
    one with what it claims to be, from ``inner``: the credentials as written), then the skills summary of the
    person that counts (like the page's passport view)."""
    from skillspas.verifier.summary import summarize_skills  # the vocabulary index: only for a passport view

    summary = summarize_skills(result)
    view = passport_json(result, summary, code_unused=code_unused, source=source)
    if as_json:
        typer.echo(json.dumps({**result.to_json(), "passport": view}, indent=2, ensure_ascii=False))
        return
    nl = lang == "nl"
    total = len(result.credentials)
    sentence = passport_sentence(result)
    problem = result.first_error
    said = text(problem.code, lang) if problem is not None and not total else sentence[lang]
    words = heading_for(view["verdict"], problem.code if problem is not None else None)[lang]
    given = _SOURCES[source][lang]
    typer.echo(f"{'PASPOORT' if nl else 'PASSPORT'} ({given}): {words.upper()} — {said}")
    if problem is not None and not total:  # the presentation itself failed: no credential says why
        typer.echo(f"  [{problem.code.value}] {_why(problem, lang)}")
    if code_unused:
        _print_challenge_note("challenge_not_used", lang)
    _print_warnings(result.warnings, lang, "  ", total, given=source)  # a PDF's: it carries no holder proof
    for person in result.persons:
        who = " / ".join(map(one_line, person.names)) or ("onbekend" if nl else "unknown")
        standing = ("telt mee" if nl else "counted") if person.counted else ("telt niet mee" if nl else "not counted")
        typer.echo(f"  {'persoon' if nl else 'person'}: {who} ({person.subject_id or person.key}) — {standing}")
        for index in person.credentials:
            _print_row(result, index, inner, lang, "    ", passport=source)
    owned = {index for person in result.persons for index in person.credentials}
    unowned = [index for index in range(total) if index not in owned]
    if unowned:  # one whose proof failed says nothing true about its person (verifier/persons.py): shown apart
        typer.echo("  persoon: niet vast te stellen (niet als echt bevestigd) — telt niet mee" if nl else
                   "  person: cannot be told (not confirmed genuine) — not counted")
    for index in unowned:
        _print_row(result, index, inner, lang, "    ", passport=source)
    counted_names = " / ".join(map(one_line, summary.person.names)) if summary.person and summary.person.names else ""
    typer.echo(f"  {'samenvatting' if nl else 'summary'}: {counted('n_proven_skills', len(summary.skills), lang)} "
               f"{'uit' if nl else 'from'} {counted('n_credentials', len(summary.verified), lang)}"
               + (f" ({counted_names})" if counted_names else ""))
    for skill in summary.skills:
        typer.echo(f"    - {one_line(skill.shown_label(lang))} <{skill.uri}> ({', '.join(skill.kinds)})")
    for step in summary.progress:
        typer.echo(f"    {step.sentence()[lang]}")


def _print_row(result: VerificationResult, index: int, inner: list[Any], lang: str, indent: str, *,
               passport: str | None = None) -> None:
    """One credential of a presentation: its number (from 1), verdict, code and name; then what it proves, or what it
    claims to be (``inner``: the credentials as written) and why it failed. ``passport`` (a passport view: how it was
    given, ``texts.PASSPORTS``): its skills are said once, in the summary, and why it failed as its card on the page
    says it (``view.failure_view``: an expired one since when)."""
    item, deeper = result.credentials[index], indent * 2  # its lines below it: twice its own indent
    problem = item.first_error
    named = item.summary or item.about
    what = f" — {_named(named, lang == 'nl')}" if named is not None else ""
    code = f" [{problem.code.value}]" if problem is not None else ""
    unbound = unbound_warning(result) if item.verified else None  # genuine, but not shown to be this person's
    several = several_warning(item.summary) if item.verified and item.summary is not None else None
    verdict = "warning" if unbound is not None or several is not None else item.verdict
    words = heading_for(verdict, problem.code if problem is not None else None)[lang]
    number = result.input_position(index) + 1  # as given: a copy left out keeps its number (duplicate_credential)
    typer.echo(f"{indent}{_MARKS.get(verdict, '✗')} #{number} {words}{code}{what}")
    _print_warnings([*([unbound] if unbound else []), *item.warnings], lang, deeper)  # orange, as on the page
    if item.verified and item.summary is not None:
        if item.summary.subject_name and not passport:  # whom it names (a passport's rows stand under their person)
            typer.echo(f"{deeper}{WORDS[lang]['holder'].lower()}: {one_line(item.summary.subject_name)}")
        _print_several(item.summary, lang, deeper)
        _print_proven(item.summary, lang, deeper, skills=not passport)
    elif problem is not None:  # what it claims to be, then why, in the language asked for
        _print_claimed(item, inner[index] if index < len(inner) else None, lang, deeper)
        typer.echo(deeper + (failure_view(item, passport)["sentence"][lang] if passport else _why(problem, lang)))


def _why(problem: Problem, lang: str) -> str:
    """Why ``problem`` failed, with the JSON path it names, as one line a terminal shows as it is (``escaped``): the path
    is the document's own keys, and a key may hold a line break or a terminal escape."""
    return escaped(problem.text(lang) + (f" ({problem.path})" if problem.path else ""))


_MARKS = {"valid": "✓", "warning": "!"}
"""The mark before a credential's line by its verdict, as the page's badge (``✗`` for the others)."""

_SOURCES: Final = {"pdf": {"nl": "pdf", "en": "pdf"}, "qr": {"nl": "QR-codes", "en": "QR codes"},
                   "files": {"nl": "bestanden", "en": "files"}}
"""A passport view's heading, by what it was put together from (``texts.PASSPORTS``): ``PASPOORT (bestanden)``."""


def _qr_parts_input(inputs: list[str | Path | bytes], limits: Limits, *, files: bool = False) -> tuple[bytes, str]:
    """The signed JSON held by QR codes given as images or texts (file names, or a file's bytes already read):
    one code, or the parts of a numbered set; or, for the codes of several credentials (a passport's ``qr/*.png``),
    the presentation of them all without holder proof, as a passport PDF's. With ``files`` (several names given
    without ``--qr``) a credential's JSON file may be among them (``inputs.file_credential``): then all of them are one
    passport too (``verify diploma.json evc.json qr/*.png``), in the order given (a set where its first part is).
    Also returns how they were given (``texts.GIVEN``): ``photo`` or ``text`` (one credential), ``qr`` or ``files``.

    Coded errors: qr_unreadable, qr_too_large, qr_incomplete, qr_mixed_set, qr_duplicate_part; with ``files``,
    ``too_large`` for more than ``limits.max_credentials`` names or more than ``limits.max_bytes`` of JSON together,
    and a JSON file's refusals (``file_credential``: a presentation, no credential, its parse code)."""
    from skillspas.verifier.page.inputs import file_credential, passport_of, together_too_large
    from skillspas.verifier.qr import MAX_IMAGE_BYTES, MAX_PARTS, decode_payload, read_qr_image  # zxing/Pillow only here

    if files and len(inputs) > limits.max_credentials:
        raise error_for(ErrorCode.TOO_LARGE, f"{len(inputs)} files given; at most {limits.max_credentials} credentials "
                        "are checked together", nl=f"{len(inputs)} bestanden gegeven; hoogstens "
                        f"{limits.max_credentials} bewijsstukken worden samen gecontroleerd")
    if not files and len(inputs) > MAX_PARTS * 2:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"{len(inputs)} QR codes given; a set has at most {MAX_PARTS} parts",
                        nl=f"{len(inputs)} QR-codes gegeven; een reeks heeft hoogstens {MAX_PARTS} delen")
    given: list[str | dict[str, Any]] = []  # in the order given: a QR code's text, or a JSON file's credential
    read, photo = 0, False
    for item in inputs:
        if isinstance(item, str) and is_payload(item.lstrip()):  # the QR text itself
            given.append(item)
            continue
        # a file with the QR text, or a photo of the code (read_qr_image bounds bytes given to it), or a credential
        data = item if isinstance(item, bytes) else read_input(str(item), MAX_IMAGE_BYTES)
        if files and not isinstance(item, bytes) and not is_pdf(data) and data.lstrip()[:1] in (b"{", b"["):
            read += len(data)
            if read > limits.max_bytes:  # the JSON read so far already exceeds what is checked together
                raise together_too_large(limits)
            given.append(file_credential(data, str(item), limits))
            continue
        if not isinstance(item, bytes):
            _refuse_a_whole_file(str(item), data, files=files)
        if is_payload(data.lstrip()[:4].decode("latin-1")):
            given.append(data.decode("utf-8", "replace").strip())
        else:
            given.append(read_qr_image(data))
            photo = True
    texts = [entry for entry in given if isinstance(entry, str)]
    several = len(given) > 1 and (len(texts) < len(given) or len(_sets(texts)) > 1)
    if several:  # several credentials: checked together, as a PDF's codes
        many = "files" if len(texts) < len(given) else "qr"
        return passport_of(_in_given_order(given, limits), limits), many
    return decode_payload("\n".join(texts), limits), "photo" if photo else "text"  # one code, or one set


def _in_given_order(given: list[str | dict[str, Any]], limits: Limits) -> list[Any]:
    """The credentials of ``given`` (QR texts, and JSON files' credentials) in the order given: a QR code's at its
    place, a numbered set's where its first part was (``inputs.qr_credentials`` joins the sets, in that order)."""
    from skillspas.verifier.page.inputs import qr_credentials
    from skillspas.verifier.qr.parts import is_part, read_part

    texts = [entry for entry in given if isinstance(entry, str)]
    decoded = iter(qr_credentials(texts, limits))  # a set's refusals first, before any part is read again here
    placed: set[str] = set()
    found: list[Any] = []
    for entry in given:
        if not isinstance(entry, str):
            found.append(entry)
            continue
        key = read_part(entry).set if is_part(entry) else None
        if key is None or key not in placed:
            placed.add(key or "")
            found.append(next(decoded))
    return found


def _sets(texts: list[str]) -> list[str]:
    """``join_sets(texts)``, or nothing when the parts do not join (``decode_payload`` then says why, as before)."""
    try:
        return list(join_sets(texts))
    except SkillspasError:
        return []


def _refuse_a_whole_file(name: str, data: bytes, *, files: bool = False) -> None:
    """``qr_unreadable`` naming ``name`` when it is a file that is checked on its own where QR codes are read: a PDF
    among several files (a passport PDF is a passport of its own), a JSON file after ``--qr``."""
    kind = ("pdf", "PDF") if is_pdf(data) else ("JSON-bestand", "JSON file") if data.lstrip()[:1] in (b"{", b"[") else None
    if kind is None:
        return
    shown_name = shown(name, 200)
    if files:  # only a PDF is refused here: a JSON file's credential joins the others
        raise localized_error(
            ErrorCode.QR_UNREADABLE,
            nl=f"{shown_name} is een {kind[0]}: een paspoort-pdf wordt apart gecontroleerd, niet samen met andere "
               f"bestanden; controleer het apart: skillspas verify {shown_name}",
            en=f"{shown_name} is a {kind[1]}: a passport PDF is checked on its own, not together with other files; "
               f"check it on its own: skillspas verify {shown_name}")
    raise localized_error(
        ErrorCode.QR_UNREADABLE,
        nl=f"{shown_name} is een {kind[0]}, geen QR-code: na --qr is elk bestand (een deel van) een QR-code; "
           f"controleer het zonder --qr: skillspas verify {shown_name}",
        en=f"{shown_name} is a {kind[1]}, not a QR code: after --qr each file is (a part of) a QR code; check it "
           f"without --qr: skillspas verify {shown_name}")


def _print_verdict(result: VerificationResult, lang: str, inner: list[Any], view: dict[str, Any], *,
                   replay: bool = False) -> None:
    """The verdict for a person; ``inner``: a presentation's credentials as written (a failed one is said with what
    it claims to be); ``view``: the page's view of ``result`` (a credential's issuer as its card names it);
    ``replay``: a holder proof checked against no challenge (the page's orange note)."""
    nl = lang == "nl"
    if result.verified:  # the page's words: orange ("met een waarschuwing") for whatever it warns about below
        borrowed = any(s is not None and (s.issuer_name_differs or s.several is not None)
                       for s in (result.summary, *(c.summary for c in result.credentials)))
        warned = replay or result.verdict == "warning" or borrowed
        said = passport_sentence(result) if result.credentials else both("valid_with_warning" if warned else "valid")
        typer.echo(f"{HEADINGS['warning' if warned else 'valid'][lang].upper()}: {said[lang]}")
        if replay:  # it proves the holder once signed it, not that it was made for this check
            _print_challenge_note("challenge_not_given", lang)
    else:
        problem = result.first_error  # the page's words: exit 1 "niet bevestigd" (neutral) or "niet geldig", exit 2
        heading = heading_for(result.verdict, problem.code if problem is not None else None)[lang]  # "niet te controleren"
        typer.echo(f"{heading.upper()}: {result.message(lang)}")
        if problem is not None:
            typer.echo(f"  [{problem.code.value}] {_why(problem, lang)}")
        if result.about is not None:
            typer.echo(f"  {'bewijsstuk' if nl else 'credential'}: {_named(result.about, nl)}")
        elif not result.credentials and inner:  # a credential alone: what its file claims, marked so (as the page)
            _print_claimed(result, inner[0], lang, "  ")
    _print_warnings(result.warnings, lang, "  ", len(result.credentials) or 1)
    for proof in result.proofs:
        typer.echo(f"  {'✓' if proof.ok else '✗'} {proof.cryptosuite} {proof.verification_method}")
    summary = result.summary
    if summary is not None:
        typer.echo(f"  {'uitgever' if nl else 'issuer'}: {_issuer_of(view, summary, lang)}")
        if summary.issuer_name_differs:
            note = both("issuer_name_differs", claimed=shown(one_line(summary.claimed_issuer_name or ""), 200),
                        listed=one_line(summary.issuer_name or ""))
            typer.echo(("  LET OP: " if nl else "  WARNING: ") + note[lang])
        typer.echo(f"  {'soort' if nl else 'type'}: {_kind(summary.types, lang)}")  # the page's word
        typer.echo(f"  {'datamodel' if nl else 'data model'}: VC {summary.data_model}")
        if summary.name:
            typer.echo(f"  {'titel' if nl else 'title'}: {one_line(summary.name)}")
        if summary.subject_name:
            typer.echo(f"  {WORDS[lang]['holder'].lower()}: {one_line(summary.subject_name)}")
        _print_several(summary, lang, "  ")
        _print_proven(summary, lang, "  ")
    for index in range(len(result.credentials)):  # as the passport view of a PDF: mark, number, verdict
        _print_row(result, index, inner, lang, "  ")
    if len(result.persons) > 1:
        typer.echo(f"  {'personen' if nl else 'people'}: {len(result.persons)}")
        for person in result.persons:  # none counts when the holder binding failed (``VerificationResult.persons``)
            standing = ("telt mee" if nl else "counted") if person.counted else ("telt niet mee" if nl else "not counted")
            who = " / ".join(map(one_line, person.names)) or person.key
            typer.echo(f"   - {who} ({person.key}): #{', #'.join(str(result.input_position(i) + 1) for i in person.credentials)} — {standing}")
    if result.credentials:  # a passport: what its kwalificaties add up to (loads the vocabulary and register)
        from skillspas.verifier.summary import summarize_skills

        for item in summarize_skills(result).progress:
            typer.echo(f"  {item.sentence()[lang]}")


def _issuer_of(view: dict[str, Any], summary: CredentialSummary, lang: str) -> str:
    """A verified credential's issuer as its card on the page names it: the DID, and its name with where the name
    comes from (the trust list, or the credential it signed: an issuer trusted with ``--trust-issuer`` has no other)."""
    cards = view.get("credentials") or [{}]
    issuer = cards[0].get("issuer") or {"did": summary.issuer, "name": None, "source": None}
    if not issuer.get("name"):
        return str(summary.issuer)
    source = {"trustList": "on_trust_list", "credential": "as_stated"}.get(issuer.get("source") or "", "no_name")
    return f"{summary.issuer} — {shown(one_line(issuer['name']), 200)} ({WORDS[lang][source]})"


def _print_several(summary: CredentialSummary, lang: str, indent: str) -> None:
    """The page's ``several_warning`` of a credential with several subjects or achievements, on a "LET OP" line."""
    said = several_warning(summary)
    if said is not None:
        typer.echo(f"{indent}{'LET OP' if lang == 'nl' else 'WARNING'}: {said['sentence'][lang]} [{said['code']}]")


def _print_warnings(warnings: Iterable[Problem], lang: str, indent: str, count: int = 1, *,
                    given: str | None = None) -> None:
    """What a person must see though it fails nothing (a credential's or the whole result's, about ``count``
    credentials): one line each, the code's sentence, the code and the detail (who signed a trust list that no anchor
    pins, how old a status list is; the page's ``detail_of``: of a passport PDF, that it carries no holder proof)."""
    for warning in warnings:
        typer.echo(f"{indent}{'LET OP' if lang == 'nl' else 'WARNING'}: {text(warning.code, lang, count=count)} "
                   f"[{warning.code.value}] {detail_of(warning, given)[lang]}")


def _print_claimed(result: VerificationResult, credential: Any, lang: str, indent: str) -> None:
    """What a credential that failed says it is (``view.as_claimed``: as the page says it), marked as not verified.
    Nothing when the verifier could name it itself (``result.about``: genuine, only expired, revoked or suspended)."""
    claimed = as_claimed(credential) if result.about is None else None
    if claimed is not None:
        typer.echo(indent + claimed[lang])


def _print_challenge_note(code: str, lang: str) -> None:
    """The page's note about the employer's code (``view.challenge_warning``): its sentence, code and advice."""
    typer.echo(f"  {'LET OP' if lang == 'nl' else 'WARNING'}: {both(code)[lang]} [{code}] {both('challenge_next')[lang]}")


def _kind(types: tuple[str, ...], lang: str) -> str:
    """A credential's kind in the page's word ("Mbo-diploma"); another badge's own type after it, when the word is not
    that type ("Open Badge (AchievementCredential)"): never a skillspas type's JSON-LD name (``MboDiploma``)."""
    kind, own = kind_label(types)[lang], own_type(types)
    return kind if credential_type(types) is not None or own == kind else f"{kind} ({own})"


def _named(summary: CredentialSummary, nl: bool) -> str:
    """A credential for a person: its title with its kind when the title does not name it ("Mbo-diploma Kok";
    "Kok (Mbo-diploma)"), and its issuer (the trust list's name when known)."""
    kind = _kind(summary.types, "nl" if nl else "en")
    title = one_line(summary.name) if summary.name else None
    named = kind if not title else title if kind.casefold() in title.casefold() else f"{title} ({kind})"
    return f"{named}, {'uitgever' if nl else 'issuer'} {one_line(summary.issuer_name or summary.issuer or '')}"


def _print_proven(summary: CredentialSummary, lang: str, indent: str, *, skills: bool = True) -> None:
    """What a verified credential proves: its facts (from the catalogue of types), then (``skills``) its skills
    and how each was established."""
    for fact in summary.facts:
        typer.echo(f"{indent}{fact.label[lang]}: " + readable_dates(fact.text[lang], lang).replace("\n", f"\n{indent}    "))
    for skill in summary.skills if skills else ():
        how = evidence_label(skill.evidence)
        typer.echo(f"{indent}- {one_line(skill.name or '')} <{skill.url}>" + (f" [{how[lang]}]" if how else ""))


@contexts_app.command("export")
def contexts_export(folder: Annotated[Path, typer.Argument(help="Folder to write the contexts into")]) -> None:
    """Write the bundled contexts and contexts.map.json, for other verifiers."""
    try:
        root = bundled_registry().export(folder)
    except OSError as exc:
        raise refuse(file_error(exc, verb="write")) from None
    count = len(bundled_registry().urls())
    typer.echo(f"{count} contexten en contexts.map.json geschreven in {root} / wrote {count} contexts and contexts.map.json to {root}")


@contexts_app.command("list")
def contexts_list() -> None:
    """List the bundled context URLs with their SHA-256."""
    registry = bundled_registry()
    for url in registry.urls():
        typer.echo(f"{registry.get(url).sha256}  {url}")


_BUNDLE_INPUT = Limits(max_bytes=64 * 1024 * 1024, max_string_length=32 * 1024 * 1024)


def _json_object(path: Path) -> dict[str, Any]:
    """One JSON object from a file (``read_json_file``); anything else is ``schema_invalid``."""
    document = read_json_file(path, _BUNDLE_INPUT)
    if not isinstance(document, dict):
        raise error_for(ErrorCode.SCHEMA_INVALID, f"{path.name} must hold one JSON object", "/",
                        nl=f"{path.name} moet één JSON-object bevatten")
    return document


def checked_trust_list(bundle: Bundle, anchors: list[str] | None) -> Verifier:
    """The Verifier of ``bundle`` (and ``--trust-anchor`` DIDs); its trust list's rejection (e.g. not signed
    by one of ``anchors``) is raised: ``bundle create``, ``verifier`` and ``verifier --build-static`` refuse it."""
    verifier = Verifier(bundle=bundle, trust_anchors=anchors)
    if isinstance(verifier.policy, TrustListPolicy) and verifier.policy.problem is not None:
        raise verifier.policy.problem
    return verifier


def _check_new_bundle(bundle: Bundle, anchors: list[str] | None) -> None:
    """Refuse to write a bundle whose trust list or status lists do not verify (or a list's bits cannot be read within
    the verifier's bounds: ``status.list_bits``), or whose DID
    documents hold a key that the trust list does not pin for that DID; warn of a did:web issuer on the
    trust list whose DID document the bundle lacks."""
    verifier = checked_trust_list(bundle, anchors)
    policy = verifier.policy
    listed = policy.trust_list if isinstance(policy, TrustListPolicy) else None
    for entry in listed.entries if listed is not None else ():
        if entry.did.startswith("did:web:") and entry.did not in bundle.did_documents:
            warn(f"de bundel heeft geen DID-document van {entry.did} (op de vertrouwenslijst): zijn bewijsstukken "
                 "zijn met deze bundel niet te controleren; geef zijn did.json (--dids, --did-document)",
                 f"the bundle has no DID document of {entry.did} (on the trust list): its credentials cannot be "
                 "checked with this bundle; give its did.json (--dids, --did-document)")
    for status_list in bundle.status_lists.values():
        issuer = status_list.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        list_bits(verifier.verified_status_list(status_list, issuer if isinstance(issuer, str) else ""), verifier.limits)
    if not pinned_keys(policy):
        return
    for did, document in bundle.did_documents.items():  # every key of every document, wherever it is listed
        for method_id in verification_method_ids(document, did):
            try:
                verifier.resolver.resolve(method_id)
            except SkillspasError as exc:
                if exc.code is ErrorCode.KEY_NOT_AUTHORIZED:  # after a key rotation, most likely: say what to do
                    raise error_for(
                        exc.code, f"DID document of {did}: {exc.message}; if {did} has a new key, sign the trust "
                        "list again with its new did.json (skillspas trust-list sign --dids)", "/didDocuments",
                        nl=f"DID-document van {did}: {exc.text('nl')}; heeft {did} een nieuwe sleutel, onderteken de "
                           "vertrouwenslijst dan opnieuw met zijn nieuwe did.json (skillspas trust-list sign --dids)",
                    ) from None


@bundle_app.command("create")
def bundle_create(
    out: Annotated[Path, typer.Option("--out", help="Bundle file (or folder with --folder) to write")],
    trust_list: Annotated[Optional[Path], typer.Option("--trust-list", help="Signed trust list credential")] = None,
    did_document: Annotated[Optional[list[Path]], typer.Option("--did-document", help="A did:web DID document (repeatable)")] = None,
    dids: Annotated[Optional[Path], typer.Option("--dids", help="Folder of did.json files (host/.well-known/did.json)")] = None,
    status_list: Annotated[Optional[list[Path]], typer.Option("--status-list", help="Signed status list credential (repeatable)")] = None,
    contexts: Annotated[Optional[Path], typer.Option("--contexts", help="Folder of extra contexts to include")] = None,
    issuer_bundle: Annotated[Optional[list[Path]], typer.Option(
        "--bundle", help="An issuer's bundle (skillspas org publish, or serve's /bundle): its DID documents, status "
                         "lists and contexts (repeatable; never its trust list)")] = None,
    trust_anchor: Annotated[Optional[list[str]], typer.Option("--trust-anchor", help="The trust list must be signed by this DID")] = None,
    folder: Annotated[bool, typer.Option("--folder", help="Write a folder instead of one JSON file")] = False,
) -> None:
    """Gather trust list, DID documents, status lists and contexts into one offline bundle."""
    from skillspas.keys.did_web import load_did_web_folder
    from skillspas.verifier.bundle import folder_contexts

    if (trust_list is None and not did_document and dids is None and not status_list and contexts is None
            and not issuer_bundle):
        raise refuse(localized_error(  # an empty bundle checks nothing: nothing is written
            ErrorCode.INVALID_OPTION,
            nl="een controlebundel zonder inhoud controleert niets: geef --trust-list, --dids of --did-document, "
               "--status-list, --bundle of --contexts",
            en="an empty bundle checks nothing: give --trust-list, --dids or --did-document, --status-list, --bundle "
               "or --contexts"))
    try:
        documents = [_json_object(p) for p in did_document or []]
        if dids is not None:
            documents.extend(load_did_web_folder(dids).values())
        lists = [_json_object(p) for p in status_list or []]
        extra = folder_contexts(contexts) if contexts is not None else {}
        bundle = Bundle.create(
            trust_list=_json_object(trust_list) if trust_list else None, did_documents=documents,
            status_lists=lists, contexts=extra,
        ).merged(*(Bundle.from_file(source) for source in issuer_bundle or []))  # never an issuer's trust list
        _check_new_bundle(bundle, trust_anchor)
        written = bundle.to_file(out, folder=folder)
    except SkillspasError as exc:
        raise refuse(exc) from None
    except OSError as exc:
        raise refuse(file_error(exc, out, "write")) from None
    typer.echo(json.dumps({"bundle": str(written), **_describe(bundle)}, indent=2))


@bundle_app.command("show")
def bundle_show(path: Annotated[Path, typer.Argument(help="A bundle file or folder")]) -> None:
    """Print what a bundle holds and when it was made."""
    try:
        bundle = Bundle.from_file(path)
    except SkillspasError as exc:
        raise refuse(exc) from None
    typer.echo(json.dumps(_describe(bundle), indent=2))


def _describe(bundle: Bundle) -> dict[str, Any]:
    """A bundle's summary for a person."""
    return {
        "createdAt": bundle.created_at.isoformat().replace("+00:00", "Z"),
        "version": bundle.version,
        "trustList": bundle.trust_list.get("id", True) if bundle.trust_list else None,
        "didDocuments": sorted(bundle.did_documents),
        "statusLists": sorted(bundle.status_lists),
        "contexts": sorted(bundle.contexts),
    }
