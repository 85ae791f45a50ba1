"""A name an employer reads as an issuer's has something to see and stays on its line: a trust list entry whose name
is only zero-width or blank characters (U+200B, a Hangul filler) showed the employer an empty issuer's name, and
``org create`` registered names with a bidi override, a NUL, a line break or nothing visible, the name its credentials
and its claim page show (``schemas.text.visible``, the check the issuer's builders already made)."""

from __future__ import annotations

import json

import pytest

from hostilekit import PASSPHRASE, assert_coded_refusal, run_cli
from skillspas.keys.trust_list import TrustListEntry

INVISIBLE = {"zero-width spaces": "\u200b\u200b", "a Hangul filler": "\u3164", "a word joiner and a blank braille cell": "\u2060\u2800"}


@pytest.mark.parametrize("name", list(INVISIBLE))
def test_a_trust_list_entry_needs_a_name_a_person_sees(name):
    with pytest.raises(ValueError, match="needs a name"):
        TrustListEntry("did:web:roc.example", INVISIBLE[name], ("MboDiploma",))
    assert TrustListEntry("did:web:roc.example", "ROC \u200bVoorbeeld", ("MboDiploma",)).name == "ROC \u200bVoorbeeld"


@pytest.mark.parametrize("name", list(INVISIBLE))
def test_trust_list_sign_refuses_an_issuer_whose_name_nobody_sees_and_writes_nothing(tmp_path, name):
    key, issuers, out = tmp_path / "anchor.json", tmp_path / "issuers.json", tmp_path / "tl.json"
    assert run_cli("keys", "generate", "--out", str(key)).exit_code == 0
    issuers.write_text(json.dumps([{"did": "did:web:roc.example", "name": INVISIBLE[name], "credentialTypes": ["MboDiploma"]}]))
    run = run_cli("trust-list", "sign", str(issuers), "--key", str(key), "--out", str(out))
    assert_coded_refusal(run, codes={"schema_invalid"})
    assert "een vermelding heeft een naam nodig" in run.stderr and not out.exists()


@pytest.mark.parametrize("name, words", [("ROC \u202eevil", "U+202E"), ("ROC\x00", "U+0000"), ("ROC\nGELDIG", "U+000A"),
                                         ("ROC\u2028GELDIG", "U+2028"), ("\u200b\u200b", "zichtbaar teken"),
                                         ("\u3164", "zichtbaar teken")],
                         ids=["bidi override", "NUL", "line break", "line separator", "zero-width only", "Hangul filler"])
def test_org_create_refuses_a_name_a_person_would_not_read_as_it_is(tmp_path, name, words):
    run = run_cli("org", "create", name, "--role", "mbo", "--did-web", "roc.example", "--data-dir", str(tmp_path),
                  env={"SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE})
    assert_coded_refusal(run, codes={"invalid_option"})
    assert words in run.stderr
    listed = run_cli("org", "list", "--data-dir", str(tmp_path))
    assert listed.exit_code != 0 or json.loads(listed.stdout) == []


@pytest.mark.parametrize("claimed, differs", [("ROC Cafe\u0301", False), ("ROC  CAFÉ", False), ("ROC Cafe", True),
                                              ("ROC Café — Examencommissie", False), ("ROC C\u0430fé", True)],
                         ids=["decomposed accent (NFD)", "case and spacing", "another letter", "a unit after the name",
                              "a Cyrillic look-alike"])
def test_a_claimed_issuer_name_that_looks_the_same_as_the_listed_one_raises_no_warning(claimed, differs):
    """A name typed on a Mac is decomposed ("e" and U+0301): it looks like the trust list's "ROC Café" and is the same
    name; the page and verify said "issuer_name_differs" (orange) for a genuine credential. A look-alike letter of
    another script is another name, and still warned of."""
    from skillspas.verifier.result import CredentialSummary

    summary = CredentialSummary(issuer="did:web:roc.example", issuer_name="ROC Café", types=("OpenBadgeCredential",),
                                subject_name=None, name=None, valid_from=None, valid_until=None, claimed_issuer_name=claimed)
    assert summary.issuer_name_differs is differs
