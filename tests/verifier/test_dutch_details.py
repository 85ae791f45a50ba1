"""Under a Dutch verdict the detail line is Dutch too; the JSON ``message`` stays English (issue 18 follow-up)."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import json
import random
import re
import subprocess
import tempfile
import sys
import zlib
from pathlib import Path
from typing import Any, Callable

import pytest
from typer.testing import CliRunner

from helpers import new_signer, signed_credential
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.status_lists import status_entry, status_list_credential
from skillspas.issuer import sign
from skillspas.keys.did_jwk import resolve_did_jwk
from skillspas.keys.did_web import did_web_to_path, load_did_web_folder
from skillspas.keys.multikey import encode_multibase
from skillspas.keys.trust_list import TrustList
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonld.contexts import VC_V2, bundled_registry
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.schemas.limits import Limits
from skillspas.schemas.messages import text
from skillspas.schemas.report import refusal
from skillspas.verifier import Bundle, VerificationResult, verify
from skillspas.verifier.browser import phone
from skillspas.verifier.cli import _qr_parts_input
from skillspas.verifier.page.inputs import document_bytes, passport_of
from skillspas.verifier.page.view import detail_of
from skillspas.verifier.pdf import qr_texts, read_pdf_qr_texts
from skillspas.verifier.qr.cbor import _head as cbor_head
from skillspas.verifier.qr import (MAX_IMAGE_BYTES, MAX_PARTS, PREFIX, PREFIX_SP2, PREFIX_SP3, PREFIX_SP4, b45encode,
                                   bundled_dictionary, decode_payload, digits_encode, encode_payload, join_parts,
                                   read_qr_image, split_payload)
from skillspas.verifier.suites import get_suite
from skillspas.verifier.trust import load_trust_list
from skillspas.wallet_export import PassportStore, build_presentation
from skillspas.wallet_export.cli import passport_app

STATUS_URL = "https://status.example/lists/1"
ENGLISH = frozenset(
    "the not must does has have cannot with this than only which would expected should missing signed "
    "by and or no be are was were its it's status list credential key proof issuer presentation".split()
)
"""Words that show an English sentence (none of them is Dutch; ``is`` and ``of`` are left out: they are)."""
ENGLISH_TOO = frozenset("unknown too from given found read characters holds part parts image for second may most outside".split())
"""More words of an English refusal (a QR code's, a key's), none of them Dutch."""


def english_words(text: str, words: frozenset[str] = ENGLISH) -> set[str]:
    """The English ``words`` of ``text`` outside its dynamic parts (quoted values, commands, URLs, DIDs, JSON pointers, codes)."""
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\[[a-z_]+\]|\S+://\S+|did:\S+|urn:\S+|(?<!\w)/\S*", " ", text)
    return {word for word in re.findall(r"[A-Za-z']+", text)} & words


@pytest.fixture(scope="module")
def issuer():
    return new_signer()


@pytest.fixture(scope="module")
def issued(issuer):
    return signed_credential(issuer)[0]


def _raw(issuer_did: str, signer, purpose: str) -> dict[str, Any]:
    credential = sample_credential(issuer_did)
    proof = get_suite("eddsa-rdfc-2022").create_proof(
        credential, signer, {"created": "2026-01-01T00:00:00Z", "proofPurpose": purpose}, DocumentProcessor())
    return {**credential, "proof": proof}


def _changed(document: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    change(copied)
    return copied


def _about(issuer, subject_id: str, name: str) -> dict[str, Any]:
    subject = sample_credential(issuer.controller)["credentialSubject"]
    subject.update(id=subject_id, name=name)
    return signed_credential(issuer, credentialSubject=subject)[0]


def _with_status(issuer, purpose: str, *, listed: bool = True) -> VerificationResult:
    credential, _ = signed_credential(issuer, credentialStatus=status_entry(STATUS_URL, 8, purpose=purpose))
    status = sign(status_list_credential(STATUS_URL, issuer=issuer.controller, purpose=purpose, revoked=[8]), issuer)
    bundle = Bundle.create(status_lists=[status] if listed else [])
    return verify(credential, bundle=bundle, trusted_issuers=[issuer.controller])


def _weak_key(issued: dict[str, Any]) -> VerificationResult:
    weak = encode_multibase(bytes([0xED, 0x01]) + bytes([1]) + bytes(31))
    document = _changed(issued, lambda d: d["proof"].update(verificationMethod=f"did:key:{weak}#{weak}"))
    document["issuer"]["id"] = f"did:key:{weak}"
    return verify(document, trusted_issuers=[f"did:key:{weak}"])


def _bidi(document: dict[str, Any]) -> None:
    document["credentialSubject"]["name"] = "Anouk\u202eTestdata"


def _presentation(issuer, issued, *, asked: dict[str, str], holder_is_subject: bool = True) -> VerificationResult:
    holder = new_signer()
    credential = _about(issuer, holder.controller, "Sanne de Vries") if holder_is_subject else issued
    if not holder_is_subject:
        credential = _about(issuer, new_signer().controller, "Karim Bouzid")
    vp = build_presentation([credential], holder=holder, challenge="c-123", domain="werkgever.example")
    return verify(vp, trusted_issuers=[issuer.controller], **{"challenge": "c-123", "domain": "werkgever.example", **asked})


def _jwk(key: dict[str, str]) -> str:
    """The method URL of a did:jwk holding ``key``."""
    return "did:jwk:" + base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=") + "#0"


def _signed_by(issuer, issued: dict[str, Any], method: str) -> VerificationResult:
    """``issued`` with its proof naming the verification ``method`` (and its issuer that DID)."""
    document = _changed(issued, lambda d: d["proof"].update(verificationMethod=method))
    document["issuer"]["id"] = method.split("#")[0]
    return verify(document, trusted_issuers=[method.split("#")[0]])


CASES: dict[str, tuple[ErrorCode, Callable[[Any, dict[str, Any]], VerificationResult]]] = {
    "a changed credential": (ErrorCode.INVALID_SIGNATURE, lambda s, c: verify(
        _changed(c, lambda d: d["credentialSubject"].update(name="Iemand Anders")), trusted_issuers=[s.controller])),
    "a credential without a proof": (ErrorCode.INVALID_PROOF, lambda s, c: verify(
        {k: v for k, v in c.items() if k != "proof"}, trusted_issuers=[s.controller])),
    "a cut-off proofValue": (ErrorCode.INVALID_PROOF, lambda s, c: verify(
        _changed(c, lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-5])), trusted_issuers=[s.controller])),
    "a proof made for logging in": (ErrorCode.WRONG_PROOF_PURPOSE, lambda s, c: verify(
        _raw(s.controller, s, "authentication"), trusted_issuers=[s.controller])),
    "a credential signed by someone else": (ErrorCode.KEY_NOT_AUTHORIZED, lambda s, c: verify(
        _raw(s.controller, new_signer(), "assertionMethod"), trusted_issuers=[s.controller])),
    "a weak key": (ErrorCode.UNRESOLVABLE_KEY, lambda s, c: _weak_key(c)),
    "a did:web key that is not in the bundle": (ErrorCode.UNRESOLVABLE_KEY, lambda s, c: verify(
        _changed(c, lambda d: d["proof"].update(verificationMethod="did:web:school.example#key-1")),
        trusted_issuers=[s.controller])),
    "a credential valid from 2999": (ErrorCode.NOT_YET_VALID, lambda s, c: verify(
        signed_credential(s, validFrom="2999-01-01T00:00:00Z")[0], trusted_issuers=[s.controller])),
    "an expired credential": (ErrorCode.EXPIRED, lambda s, c: verify(
        signed_credential(s, validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")[0],
        trusted_issuers=[s.controller])),
    "a revoked credential": (ErrorCode.REVOKED, lambda s, c: _with_status(s, "revocation")),
    "a suspended credential": (ErrorCode.SUSPENDED, lambda s, c: _with_status(s, "suspension")),
    "a status list that is not in the bundle": (ErrorCode.STATUS_UNAVAILABLE,
                                                lambda s, c: _with_status(s, "revocation", listed=False)),
    "a status entry without a bundle": (ErrorCode.STATUS_UNAVAILABLE, lambda s, c: verify(
        signed_credential(s, credentialStatus=status_entry(STATUS_URL, 8))[0], trusted_issuers=[s.controller])),
    "another challenge": (ErrorCode.CHALLENGE_MISMATCH, lambda s, c: _presentation(s, c, asked={"challenge": "x"})),
    "another domain": (ErrorCode.DOMAIN_MISMATCH, lambda s, c: _presentation(s, c, asked={"domain": "elders.example"})),
    "someone else's credential": (ErrorCode.HOLDER_MISMATCH,
                                  lambda s, c: _presentation(s, c, asked={}, holder_is_subject=False)),
    "credentials of two people": (ErrorCode.MULTIPLE_SUBJECTS, lambda s, c: verify(build_presentation(
        [_about(s, new_signer().controller, "Sanne de Vries"), _about(s, new_signer().controller, "Karim Bouzid")]),
        trusted_issuers=[s.controller])),
    "contexts in the wrong order": (ErrorCode.SCHEMA_INVALID, lambda s, c: verify(
        _changed(c, lambda d: d["@context"].reverse()), trusted_issuers=[s.controller])),
    "a bidi character in a name": (ErrorCode.SCHEMA_INVALID, lambda s, c: verify(_changed(c, _bidi), trusted_issuers=[s.controller])),
    "a status without a type": (ErrorCode.SCHEMA_INVALID, lambda s, c: verify(
        _changed(c, lambda d: d.update(credentialStatus={"id": "https://status.example/1#5"})), trusted_issuers=[s.controller])),
    "an unknown context": (ErrorCode.UNKNOWN_CONTEXT, lambda s, c: verify(
        _changed(c, lambda d: d["@context"].append("https://example.org/not-bundled/v1")), trusted_issuers=[s.controller])),
    "an undefined field": (ErrorCode.UNDEFINED_TERM, lambda s, c: verify(
        _changed(c, lambda d: d["credentialSubject"]["achievement"].update(shoeSize="44")), trusted_issuers=[s.controller])),
    "an undefined type": (ErrorCode.UNDEFINED_TERM, lambda s, c: verify(
        _changed(c, lambda d: d["type"].append("GoldStarCredential")), trusted_issuers=[s.controller])),
    "a file that is too large": (ErrorCode.TOO_LARGE, lambda s, c: verify(b'{"a": "' + b"x" * Limits().max_bytes + b'"}')),
    "a long array": (ErrorCode.TOO_LARGE, lambda s, c: verify(b'{"a": [' + b"1," * 20_000 + b'1]}')),
    "a file nested too deep": (ErrorCode.TOO_DEEP, lambda s, c: verify(b'{"a":' * 65 + b"1" + b"}" * 65)),
    **{f"a key {name}": (ErrorCode.UNRESOLVABLE_KEY, lambda s, c, m=method: _signed_by(s, c, m)) for name, method in {
        "that is no base58btc": "did:key:z0OIl#z0OIl",
        "with an unknown multicodec": "did:key:z11111111#z11111111",
        "too long for a key": "did:key:z" + "2" * 200 + "#z" + "2" * 200,
    }.items()},
    **{f"an inline context with {name}": (code, lambda s, c, x=context: verify(
        _changed(c, lambda d: d["@context"].append(x)), trusted_issuers=[s.controller])) for name, (code, context) in {
        "@vocab": (ErrorCode.INLINE_CONTEXT_REFUSED, {"@vocab": "https://example.org/"}),
        "a bundled term": (ErrorCode.REDEFINED_TERM, {"name": "https://example.org/name"}),
        "a keyword alias": (ErrorCode.REDEFINED_TERM, {"soort": "@type"}),
        "a term that is no plain name": (ErrorCode.INLINE_CONTEXT_REFUSED, {"a b": "https://example.org/x"}),
        "a definition that is a number": (ErrorCode.INLINE_CONTEXT_REFUSED, {"x": 5}),
        "a definition without @id": (ErrorCode.INLINE_CONTEXT_REFUSED, {"x": {"@type": "@id"}}),
        "a definition with @reverse": (ErrorCode.INLINE_CONTEXT_REFUSED, {"x": {"@id": "https://example.org/x", "@reverse": "y"}}),
        "a relative IRI": (ErrorCode.INLINE_CONTEXT_REFUSED, {"x": "foo"}),
        "a compact IRI": (ErrorCode.INLINE_CONTEXT_REFUSED, {"x": "name:foo"}),
        "an index container": (ErrorCode.INLINE_CONTEXT_REFUSED, {"x": {"@id": "https://example.org/x", "@container": "@index"}}),
        "@protected as a number": (ErrorCode.INLINE_CONTEXT_REFUSED, {"x": {"@id": "https://example.org/x", "@protected": 1}}),
        "too many terms": (ErrorCode.RESOURCE_LIMIT, {f"t{i}": f"https://example.org/t{i}" for i in range(Limits().max_inline_terms + 1)}),
    }.items()},
    "a context that is a number": (ErrorCode.UNKNOWN_CONTEXT, lambda s, c: verify(
        _changed(c, lambda d: d["@context"].append(5)), trusted_issuers=[s.controller])),
    "too many blank nodes": (ErrorCode.RESOURCE_LIMIT, lambda s, c: verify(c, trusted_issuers=[s.controller], limits=Limits(max_blank_nodes=0))),
    "too many proofs": (ErrorCode.RESOURCE_LIMIT, lambda s, c: verify(
        _changed(c, lambda d: d.update(proof=[d["proof"]] * (Limits().max_proofs + 1))), trusted_issuers=[s.controller])),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_refusal_of_a_credential_has_its_detail_in_dutch_and_its_json_message_in_english(case, issuer, issued):
    code, build = CASES[case]
    result = build(issuer, issued)
    problem = result.first_error
    assert problem is not None and problem.code is code, result.to_json()
    dutch = problem.text("nl")
    assert dutch != problem.message and not english_words(dutch, ENGLISH | ENGLISH_TOO), dutch
    assert problem.text("en") == problem.message and english_words(problem.message, ENGLISH | ENGLISH_TOO), problem.message
    json_errors = [e for r in (result, *result.credentials) for e in r.to_json()["errors"]]
    assert {"code": code.value, "message": problem.message, "path": problem.path} in json_errors


def test_skillspas_verify_lang_nl_prints_the_dutch_detail_and_verify_json_the_english(tmp_path, issuer):
    expired, _ = signed_credential(issuer, validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")
    file = tmp_path / "verlopen.json"
    file.write_text(__import__("json").dumps(expired), "utf-8")
    base = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "verify", str(file),
            "--trust-issuer", issuer.controller]
    dutch = subprocess.run([*base, "--lang", "nl"], capture_output=True, text=True, timeout=120)
    detail = next(line for line in dutch.stdout.splitlines() if line.startswith("  [expired] "))
    assert "2021-01-01T00:00:00Z" in detail and not english_words(detail), detail
    english = subprocess.run([*base, "--json"], capture_output=True, text=True, timeout=120)
    assert "expired" in __import__("json").loads(english.stdout)["errors"][0]["message"]


# -- refusals before the pipeline: a QR code scanned on a phone, its image, a set of codes --------------------------


def _frame(prefix: str, body: bytes) -> str:
    """A payload text around ``body`` (flags byte first) with a correct checksum: what an attacker can make."""
    framed = body + zlib.crc32(body).to_bytes(4, "big")
    return prefix + (digits_encode(framed) if prefix == PREFIX_SP4 else b45encode(framed))


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return packer.compress(data) + packer.flush()


def _png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels (nothing is decoded to see the size)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _blank_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (200, 200), 255).save(out, "PNG")
    return out.getvalue()


def _qr_text(issuer) -> str:
    return encode_payload(sign(sample_credential(issuer.controller), issuer))


def _other_qr_text(issuer) -> str:
    other = {**sample_credential(issuer.controller), "id": "urn:uuid:0e8b9a3c-1f7d-4c2e-9b6a-5d4f3e2c1b0a"}
    return encode_payload(sign(other, issuer))


def _forged_part(issuer) -> list[str]:
    first, second = split_payload(_qr_text(issuer), 2)
    return [first, second[:second.index(":", 4) + 1] + second[second.index(":", 4) + 1:][::-1]]


def _did_folder(files: dict[str, bytes], *, linked: str | None = None, limit: int | None = None) -> Any:
    """Load a did:web folder holding ``files`` (path -> bytes), ``linked`` a symbolic link to the first."""
    root = Path(tempfile.mkdtemp(prefix="did-web-"))
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    if linked is not None:
        (root / linked).parent.mkdir(parents=True, exist_ok=True)
        (root / linked).symlink_to(root / next(iter(files)))
    return load_did_web_folder(root, limits=Limits(max_bytes=limit) if limit else None)


def _sp2(cbor: bytes) -> str:
    return _frame(PREFIX_SP2, b"\x00" + bundled_dictionary().version + cbor)


def _no_label() -> bytes:
    """An SP2 alignment asking for the English label of an entry that has only a Dutch one."""
    number = next(i for i, entry in enumerate(bundled_dictionary().entries) if not entry[3])
    return b"\xa1\x01" + cbor_head(6, 16) + cbor_head(0, number * 2 + 1)


def _cbor(cbor: bytes, limits: Limits = Limits()) -> Callable[[Any], Any]:
    return lambda s: decode_payload(_frame(PREFIX, b"\x00" + cbor), limits)


CBOR_CASES = {  # each malformed CBOR body (tests/verifier/test_qr_codec.py) and what it breaks
    "trailing bytes": b"\xa1\x01\x01\xff", "a duplicate key": b"\xa2\x01\x01\x01\x01",
    "a head not in its shortest form": b"\xa1\x18\x01\x01", "an indefinite map": b"\xbf\x01\x01\xff",
    "a term beyond the dictionary": b"\xa1\x19\xff\xff\x01", "an unknown tag": b"\xa1\x01\xd8\x20\x01",
    "a UUID of one byte": b"\xa1\x01\xc7\x41\x00", "NaN": b"\xa1\x01\xfb\x7f\xf8\x00\x00\x00\x00\x00\x00",
    "a bare byte string": b"\xa1\x01\x42\x00\x00", "an undefined value": b"\xa1\x01\xf7",
    "a text that is not UTF-8": b"\xa1\x01\x63\xff\xfe\xfd", "a byte-string key": b"\xa1\x41\x00\x01",
    "an array claiming 2^64 items": b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff", "not an object": b"\x81\x01",
    "a truncated text": b"\xa1\x01\x65ab", "a head not in its shortest form in a text": b"\xa1\x01\x78\x05ab", "a date beyond 9999": b"\xa1\x01\xcc\x1b\x00\x00\x00\x3b\x00\x00\x00\x00",
    "a term written as text": b"\xa1\x62id\x01", "a tag 6 holding text": b"\xa1\x01\xc6\x61a",
    "a multibase of no bytes": b"\xa1\x01\xcb\x40", "a SHA-256 of one byte": b"\xa1\x01\xcf\x41\x00",
    "a hexadecimal value of one byte": b"\xa1\x01\xce\x41\x00",
    "a date as a negative number": b"\xa1\x01\xcc\x20",
    "a day beyond any calendar": b"\xa1\x01\xcd\x1b" + (253_402_300_799).to_bytes(8, "big"),
}
SP2_CASES = {  # malformed references into the vocabulary dictionary (tests/verifier/test_qr_dictionary.py)
    "an entry beyond the vocabulary": b"\xa1\x01\xd0\x1a\x7f\xff\xff\xff", "an entry as bytes": b"\xa1\x01\xd0\x41\x00",
    "an alignment run in SP2": b"\xa1\x01\xd5\x43\x00\x02\x02", "an unknown evidence kind": b"\xa1\x01\xd4\x00",
}
SP3_CASES = {
    "an empty alignment run": b"\xa1\x01\xd5\x40", "a broken number in a run": b"\xa1\x01\xd5\x43\x00\x02\x80",
    "a negative entry in a run": b"\xa1\x01\xd5\x43\x00\x02\x05", "a run of an unknown key order": b"\xa1\x01\xd5\x43\x07\x02\x02",
    "a run as an integer": b"\xa1\x01\xd5\x02",
}

def _bundle(**changes: Any) -> Bundle:
    """A one-file bundle with ``changes`` to its fields (None removes one)."""
    document = {"type": "SkillspasBundle", "version": 1, "createdAt": "2026-01-01T00:00:00Z", **changes}
    return Bundle.from_json(json.dumps({k: v for k, v in document.items() if v is not None}))


def _contexts(files: dict[str, bytes]) -> Any:
    """Add a contexts folder holding ``files`` (name -> bytes) to the bundled registry."""
    root = Path(tempfile.mkdtemp(prefix="contexts-"))
    for name, data in files.items():
        (root / name).write_bytes(data)
    return bundled_registry().with_folder(root)


def _mapped(url: str, data: bytes) -> Any:
    """A contexts folder mapping ``url`` to one file holding ``data``."""
    return _contexts({"contexts.map.json": json.dumps({url: "c.jsonld"}).encode(), "c.jsonld": data})


ENTRY = {"id": "did:web:roc.example", "type": "TrustedIssuer", "name": "ROC Voorbeeldstad", "credentialType": ["MboDiploma"]}


def _trust_list(*entries: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A trust list credential (unsigned) of ``entries`` with ``changes`` to its fields."""
    return {"type": ["VerifiableCredential", "SkillspasTrustList"], "issuer": "did:web:erkenning.example",
            "credentialSubject": {"type": "TrustedIssuerList", "trustedIssuer": list(entries)}, **changes}


def _load_trust_list(document: dict[str, Any]) -> TrustList:
    """Load ``document`` as if its proof verified, checking its validity now."""
    return load_trust_list(document, lambda d, _: d, now=dt.datetime.now(dt.timezone.utc))


def _passport_ref(ref: str) -> Any:
    """Look ``ref`` up in an empty passport."""
    return PassportStore(Path(tempfile.mkdtemp(prefix="passport-"))).get(ref)


def _encrypted_pdf() -> bytes:
    """A one-page PDF under a password (pypdf)."""
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("geheim")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


RAISED: dict[str, tuple[ErrorCode, Callable[[Any], Any]]] = {
    **{f"{name}": (ErrorCode.UNRESOLVABLE_KEY, lambda s, m=method: resolve_did_jwk(m)) for name, method in {
        "a did:jwk that is no base64url": "did:jwk:a*b#0",
        "a did:jwk of padded base64url": "did:jwk:" + "a" * 5 + "#0",
        "a did:jwk with a private key part": _jwk({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "A" * 43}),
        "a did:jwk of RSA": _jwk({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
        "a did:jwk with a short coordinate": _jwk({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
        "a did:jwk off the P-256 curve": _jwk({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}),
        "a did:jwk that is no JSON": "did:jwk:" + base64.urlsafe_b64encode(b"not json").decode().rstrip("=") + "#0",
        "a did:jwk that is a list": "did:jwk:" + base64.urlsafe_b64encode(b"[1]").decode().rstrip("=") + "#0",
        "a did:jwk of another use": _jwk({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "use": "wrap"}),
        "a did:jwk with a second method": _jwk({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43})[:-1] + "1",
        "a did:jwk that is too long": "did:jwk:" + "A" * 5000 + "#0",
        "no did:jwk at all": "did:example:123#0",
    }.items()},
    **{f"{name}": (ErrorCode.UNRESOLVABLE_KEY, lambda s, d=did: did_web_to_path(d)) for name, did in {
        "no did:web at all": "did:key:z6Mk", "a did:web with a path": "did:web:example.com/x",
        "a did:web of a bad host": "did:web:exa_mple.com", "a did:web with a dot segment": "did:web:example.com:..",
    }.items()},
    "a did:web folder that does not exist": (ErrorCode.FILE_ERROR, lambda s: load_did_web_folder("/nonexistent/dids")),
    "a did.json laid out wrongly": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder({"example.com/did.json": b"{}"})),
    "a did.json at a bad host": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder({"exa_mple.com/.well-known/did.json": b"{}"})),
    "a did.json that is too large": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder(
        {"example.com/.well-known/did.json": b'{"id": "did:web:example.com"}'}, limit=10)),
    "a did.json that is no JSON": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder({"example.com/.well-known/did.json": b"{"})),
    "a did.json that is a list": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder({"example.com/.well-known/did.json": b"[]"})),
    "a did.json of another DID": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder(
        {"example.com/.well-known/did.json": b'{"id": "did:web:other.example"}'})),
    "a did.json that is a symbolic link": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder(
        {"a/b.json": b"{}"}, linked="example.com/.well-known/did.json")),
    "two did.json of one DID": (ErrorCode.UNRESOLVABLE_KEY, lambda s: _did_folder({
        "example.com:8443/.well-known/did.json": b'{"id": "did:web:example.com%3A8443"}',
        "example.com%3A8443/.well-known/did.json": b'{"id": "did:web:example.com%3A8443"}'})),
    "a text that is no skillspas code": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("https://example.org/")),
    "a damaged code": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP1:" + b45encode(bytes(range(256)) * 4))),
    "a code that is too short": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP1:BB8")),
    "a Base45 text of a wrong length": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP1:BB8A")),
    "a character that is no Base45": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP1:BBa")),
    "a Base45 text that is not canonical": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP1:GGW")),
    "a letter among SP4's digits": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP4:12A")),
    "SP4 digits of a wrong length": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP4:12")),
    "SP4 digits that are not canonical": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SP4:256")),
    "unknown flags": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload(_frame(PREFIX, b"\x02\xa1\x01\x01"))),
    "a stream that does not decompress": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload(_frame(PREFIX, b"\x01\xff\xff"))),
    "a truncated compressed stream": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload(
        _frame(PREFIX, b"\x01" + _deflate(b"\xa1\x01\x01" * 50)[:-3]))),
    **{f"CBOR with {name}": (ErrorCode.QR_UNREADABLE, _cbor(cbor)) for name, cbor in CBOR_CASES.items()},
    **{f"SP2 with {name}": (ErrorCode.QR_UNREADABLE, lambda s, c=cbor: decode_payload(_sp2(c))) for name, cbor in SP2_CASES.items()},
    **{f"SP3 with {name}": (ErrorCode.QR_UNREADABLE, lambda s, c=cbor: decode_payload(
        _frame(PREFIX_SP3, b"\x00" + bundled_dictionary().version + c))) for name, cbor in SP3_CASES.items()},
    "a label the entry has not": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload(_sp2(_no_label()))),
    "a code nested too deep": (ErrorCode.TOO_DEEP, _cbor(b"\xa1\x01" + b"\x81" * 200 + b"\xf6")),
    "a zlib bomb": (ErrorCode.QR_TOO_LARGE, lambda s: decode_payload(_frame(PREFIX, b"\x01" + _deflate(b"\x00" * 2_000_000)))),
    "a term repeated beyond the limit": (ErrorCode.QR_TOO_LARGE, lambda s: decode_payload(_frame(
        PREFIX, b"\x01" + _deflate(bytes([0xA1, 0x61, 0x61, 0x99, 0x0F, 0xA0]) + b"\x01" * 4000)), Limits(max_bytes=5_000))),
    "a document larger than the limit": (ErrorCode.QR_TOO_LARGE, lambda s: decode_payload(
        encode_payload({"skills": ["x" * 100] * 200}, dictionary=None), Limits(max_bytes=5_000))),
    "a text longer than one QR code": (ErrorCode.QR_TOO_LARGE, lambda s: decode_payload(PREFIX + "A" * 10_000)),
    "a code of another vocabulary version": (ErrorCode.QR_UNKNOWN_DICTIONARY, lambda s: decode_payload(
        _frame(PREFIX_SP2, b"\x00OLD1\xa1\x01\x01"))),
    "a photo without a QR code": (ErrorCode.QR_UNREADABLE, lambda s: read_qr_image(_blank_png())),
    "random bytes as a photo": (ErrorCode.QR_UNREADABLE, lambda s: read_qr_image(random.Random(1).randbytes(5000))),
    "an empty photo": (ErrorCode.QR_UNREADABLE, lambda s: read_qr_image(b"")),
    "a photo of too many pixels": (ErrorCode.QR_TOO_LARGE, lambda s: read_qr_image(_png(8_000, 6_000))),
    "a photo that would fill the memory": (ErrorCode.QR_TOO_LARGE, lambda s: read_qr_image(_png(100_000, 100_000))),
    "a photo file that is too large": (ErrorCode.QR_TOO_LARGE, lambda s: read_qr_image(b"\0" * (MAX_IMAGE_BYTES + 1))),
    "a malformed part header": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SPP:0/2/00000000:AB")),
    "a part beyond its set": (ErrorCode.QR_UNREADABLE, lambda s: decode_payload("SPP:3/2/00000000:AB")),
    "a set of too many codes": (ErrorCode.QR_TOO_LARGE, lambda s: decode_payload("SPP:1/17/00000000:AB")),
    "too many codes for one set": (ErrorCode.QR_TOO_LARGE, lambda s: join_parts(["SPP:1/2/00000000:AB"] * (MAX_PARTS * 2 + 1))),
    "a set text longer than a set holds": (ErrorCode.QR_TOO_LARGE, lambda s: decode_payload("SPP:1/2/00000000:" + "A" * 300_000)),
    "no part at all": (ErrorCode.QR_UNREADABLE, lambda s: join_parts([])),
    "one part of two": (ErrorCode.QR_INCOMPLETE, lambda s: decode_payload(split_payload(_qr_text(s), 2)[0])),
    "parts of two credentials": (ErrorCode.QR_MIXED_SET, lambda s: decode_payload(
        "\n".join([split_payload(_qr_text(s), 2)[0], split_payload(_other_qr_text(s), 2)[1]]))),
    "parts of two prints": (ErrorCode.QR_MIXED_SET, lambda s: decode_payload(
        "\n".join([split_payload(_qr_text(s), 2)[0], split_payload(_qr_text(s), 3)[1]]))),
    "parts whose pieces were swapped": (ErrorCode.QR_MIXED_SET, lambda s: decode_payload("\n".join(_forged_part(s)))),
    "two codes claiming one part": (ErrorCode.QR_DUPLICATE_PART, lambda s: decode_payload("\n".join(
        [(first := split_payload(_qr_text(s), 2)[0]), first[:-1] + ("A" if first[-1] != "A" else "B")]))),
    "too many codes given to verify": (ErrorCode.QR_TOO_LARGE, lambda s: _qr_parts_input(["x"] * (MAX_PARTS * 2 + 1), Limits())),
    "a photo larger than the page takes": (ErrorCode.QR_TOO_LARGE, lambda s: document_bytes(
        _blank_png(), limits=Limits(), max_image_bytes=100)),
    "a PDF larger than the page takes": (ErrorCode.TOO_LARGE, lambda s: document_bytes(
        b"%PDF-1.7\n" + b"\0" * 200, limits=Limits(), max_image_bytes=100)),
    "credentials together too large": (ErrorCode.TOO_LARGE, lambda s: passport_of([{"a": "x" * 2000}], Limits(max_bytes=1000))),
    "a PDF without a skillspas QR code": (ErrorCode.QR_UNREADABLE, lambda s: qr_texts([[]])),
    "a PDF that is damaged": (ErrorCode.PDF_UNREADABLE, lambda s: read_pdf_qr_texts(b"%PDF-1.7\n" + b"x" * 50)),
    "an encrypted PDF": (ErrorCode.PDF_UNREADABLE, lambda s: read_pdf_qr_texts(_encrypted_pdf())),
    "a phone photo without a QR code": (ErrorCode.QR_UNREADABLE, lambda s: phone._document([[]], "image", Limits())),
    "a PDF larger than the phone takes": (ErrorCode.TOO_LARGE, lambda s: phone._read_first(
        b"%PDF-1.7\n" + b"\0" * (MAX_IMAGE_BYTES + 1), "auto")),
    **{f"a bundle {name}": (ErrorCode.SCHEMA_INVALID, build) for name, build in {
        "of another type": lambda s: _bundle(type="SomethingElse"),
        "that is a list": lambda s: Bundle.from_json(b"[]"),
        "of format version 2": lambda s: _bundle(version=2),
        "without createdAt": lambda s: _bundle(createdAt=None),
        "whose createdAt has no time zone": lambda s: _bundle(createdAt="2026-01-01T00:00:00"),
        "whose trustList is a list": lambda s: _bundle(trustList=[]),
        "whose didDocuments is an object": lambda s: _bundle(didDocuments={}),
        "whose statusLists is a text": lambda s: _bundle(statusLists="x"),
        "with a DID document without id": lambda s: _bundle(didDocuments=[{"x": 1}]),
        "with a did:key document": lambda s: _bundle(didDocuments=[{"id": "did:key:z6Mk"}]),
        "with two status lists of one id": lambda s: _bundle(statusLists=[{"id": STATUS_URL}, {"id": STATUS_URL}]),
        "whose contexts are numbers": lambda s: _bundle(contexts={"https://example.org/c": 5}),
        "whose DID document has another id": lambda s: Bundle(created_at=dt.datetime.now(dt.timezone.utc),
                                                              did_documents={"did:web:a.example": {"id": "did:web:b.example"}}),
        "whose status list has another id": lambda s: Bundle(created_at=dt.datetime.now(dt.timezone.utc),
                                                             status_lists={STATUS_URL: {"id": STATUS_URL + "2"}}),
        "whose contexts are texts, not bytes": lambda s: Bundle(created_at=dt.datetime.now(dt.timezone.utc),
                                                               contexts={"https://example.org/c": "{}"}),  # type: ignore[dict-item]
    }.items()},
    **{f"a contexts folder {name}": (code, build) for name, (code, build) in {
        "without contexts.map.json": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _contexts({})),
        "whose map is no JSON": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _contexts({"contexts.map.json": b"{"})),
        "whose map is a list": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _contexts({"contexts.map.json": b"[]"})),
        "whose map names a file outside it": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _contexts(
            {"contexts.map.json": b'{"https://example.org/c": "../c.jsonld"}'})),
        "whose map names a missing file": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _contexts(
            {"contexts.map.json": b'{"https://example.org/c": "missing.jsonld"}'})),
        "with a context file that is too large": (ErrorCode.TOO_LARGE, lambda s: _mapped(
            "https://example.org/c", b" " * (512 * 1024 + 1))),
        "with a context that is no JSON": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _mapped("https://example.org/c", b"{")),
        "with a context without @context": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _mapped("https://example.org/c", b"{}")),
        "with a changed copy of a bundled context": (ErrorCode.UNKNOWN_CONTEXT, lambda s: _mapped(VC_V2, b'{"@context": {}}')),
    }.items()},
    "a bundle context that is too large": (ErrorCode.TOO_LARGE, lambda s: bundled_registry().with_documents(
        {"https://example.org/c": b" " * (512 * 1024 + 1)})),
    "a bundle's changed copy of a bundled context": (ErrorCode.UNKNOWN_CONTEXT, lambda s: bundled_registry().with_documents(
        {VC_V2: b'{"@context": {}}'})),
    **{f"a trust list {name}": (ErrorCode.SCHEMA_INVALID, lambda s, d=document: TrustList.from_credential(d)) for name, document in {
        "that is a list": [],
        "of another type": _trust_list(ENTRY, type=["VerifiableCredential"]),
        "whose issuer is a number": _trust_list(ENTRY, issuer=5),
        "whose subject is a text": _trust_list(ENTRY, credentialSubject="x"),
        "whose entries are a number": _trust_list(credentialSubject={"type": "TrustedIssuerList", "trustedIssuer": 5}),
        "with an entry of another type": _trust_list({**ENTRY, "type": "Issuer"}),
        "with a role that is a number": _trust_list({**ENTRY, "role": 5}),
        "with keys that are numbers": _trust_list({**ENTRY, "publicKeyMultibase": [5]}),
        "with an entry without a name": _trust_list({**ENTRY, "name": " "}),
        "with an entry whose id is no DID": _trust_list({**ENTRY, "id": "roc.example"}),
        "with an entry of no credential type": _trust_list({**ENTRY, "credentialType": []}),
        "with a key that is no Multikey": _trust_list({**ENTRY, "publicKeyMultibase": "zNotAKey"}),
        "with an entry's validFrom that is no date": _trust_list({**ENTRY, "validFrom": "gisteren"}),
        "whose validUntil is no date": _trust_list(ENTRY, validUntil="morgen"),
        "with one DID twice": _trust_list(ENTRY, {**ENTRY, "name": "ROC Anders"}),
    }.items()},
    "a trust list valid from 2999": (ErrorCode.NOT_YET_VALID, lambda s: _load_trust_list(
        _trust_list(ENTRY, validFrom="2999-01-01T00:00:00Z"))),
    "an expired trust list": (ErrorCode.EXPIRED, lambda s: _load_trust_list(_trust_list(ENTRY, validUntil="2020-01-01T00:00:00Z"))),
    "a trust list with a status entry": (ErrorCode.SCHEMA_INVALID, lambda s: _load_trust_list(
        _trust_list(ENTRY, credentialStatus={"id": STATUS_URL + "#1", "type": "BitstringStatusListEntry"}))),
    "a passport reference that is no hex": (ErrorCode.INVALID_OPTION, lambda s: _passport_ref("zzzzzz")),
    "a passport reference that is too short": (ErrorCode.INVALID_OPTION, lambda s: _passport_ref("abc")),
    "a passport reference of no credential": (ErrorCode.INVALID_OPTION, lambda s: _passport_ref("0000000000")),
}


@pytest.mark.parametrize("case", list(RAISED))
def test_every_refusal_before_the_pipeline_has_its_detail_in_dutch_and_its_json_message_in_english(case, issuer):
    code, build = RAISED[case]
    with pytest.raises(SkillspasError) as caught:
        build(issuer)
    error = caught.value
    assert error.code is code, error
    dutch = error.text("nl")
    assert error.message_nl is not None and dutch != text(code, "nl"), dutch  # its own sentence, not only the code's
    assert not english_words(dutch, ENGLISH | ENGLISH_TOO), dutch
    assert refusal(error)["errors"][0]["message"] == error.message and english_words(error.message, ENGLISH | ENGLISH_TOO), error.message
    shown = detail_of(error)
    assert shown == {"nl": dutch, "en": error.message}


def test_bundle_and_trust_list_refusals_show_a_long_value_shortened(issuer):
    for build in (lambda: _bundle(version="9" * 10_000), lambda: _bundle(didDocuments=[{"id": "did:key:" + "z" * 10_000}]),
                  lambda: TrustList.from_credential(_trust_list({**ENTRY, "publicKeyMultibase": "z" * 10_000})),
                  lambda: _passport_ref("0" * 10_000)):
        with pytest.raises(SkillspasError) as caught:
            build()
        assert len(caught.value.message) < 300 and len(caught.value.text("nl")) < 400, caught.value.message


def test_passport_remove_of_an_unknown_reference_says_in_dutch_how_to_list_the_references(tmp_path):
    result = CliRunner().invoke(passport_app, ["remove", "0000000000", "--passport", str(tmp_path)])
    assert result.exit_code != 0
    dutch = next(line for line in result.output.splitlines() if line.startswith("fout [invalid_option]: "))
    assert "'0000000000'" in dutch and "passport list" in dutch and not english_words(dutch, ENGLISH | ENGLISH_TOO), dutch
    assert "error [invalid_option]: no credential '0000000000'" in result.output
