"""The ``skillspas`` command as a user runs it: exit codes 0/1/2, JSON output, never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import TEST_CONTEXTS, VECTORS
from skillspas.issuer.demo import sample_credential

SKILLSPAS = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SKILLSPAS, *args], input=stdin, capture_output=True, timeout=120)


def _no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    key = folder / "key.json"
    gen = run("keys", "generate", "--type", "ed25519", "--out", str(key))
    assert gen.returncode == 0, gen.stderr
    info = json.loads(gen.stdout)
    assert "secretKeyMultibase" not in gen.stdout.decode()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    unsigned = sample_credential(info["controller"])
    del unsigned["issuer"]  # sign fills in the key's controller
    (folder / "unsigned.json").write_text(json.dumps(unsigned))
    signed = run("sign", "--key", str(key), str(folder / "unsigned.json"))
    assert signed.returncode == 0, signed.stderr
    (folder / "signed.json").write_bytes(signed.stdout)
    return folder, info["controller"]


def test_sign_sets_the_issuer_to_the_keys_controller(issued):
    folder, did = issued
    assert json.loads((folder / "signed.json").read_text())["issuer"] == did


def test_verify_trusted_is_exit_0(issued):
    folder, did = issued
    proc = run("verify", str(folder / "signed.json"), "--trust-issuer", did)
    assert proc.returncode == 0, proc.stdout
    assert b"GELDIG" in proc.stdout


def test_verify_untrusted_is_exit_1(issued):
    folder, _ = issued
    proc = run("verify", str(folder / "signed.json"), "--json")
    assert proc.returncode == 1
    body = json.loads(proc.stdout)
    assert body["verified"] is False and body["errors"][0]["code"] == "untrusted_issuer"
    assert [p["verified"] for p in body["proofs"]] == [True]


def test_verify_now_sets_the_instant_of_the_verification(issued):
    folder, did = issued
    valid_from = json.loads((folder / "signed.json").read_text())["validFrom"]
    before = f"{int(valid_from[:4]) - 1}{valid_from[4:]}"
    proc = run("verify", str(folder / "signed.json"), "--trust-issuer", did, "--json", "--now", before)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["errors"][0]["code"] == "not_yet_valid"


@pytest.mark.parametrize("now", ["gisteren", "2027-01-15T12:00:00"])
def test_verify_now_without_an_instant_and_offset_is_exit_2(issued, now):
    folder, did = issued
    proc = run("verify", str(folder / "signed.json"), "--trust-issuer", did, "--json", "--now", now)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["errors"][0]["code"] == "invalid_option"
    _no_traceback(proc)


def test_verify_from_stdin_tampered_is_exit_1(issued):
    folder, did = issued
    document = json.loads((folder / "signed.json").read_text())
    document["credentialSubject"]["name"] = "X"
    proc = run("verify", "-", "--json", "--trust-issuer", did, stdin=json.dumps(document).encode())
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["errors"][0]["code"] == "invalid_signature"


@pytest.mark.parametrize("payload", [b"not json", b'{"a":1,"a":2}', b"[" * 5000, b"\x00\xff"])
def test_unusable_input_is_exit_2_without_traceback(payload):
    proc = run("verify", "-", "--json", stdin=payload)
    assert proc.returncode == 2
    _no_traceback(proc)
    assert json.loads(proc.stdout)["errors"][0]["code"] in ("malformed_json", "too_deep")


def test_missing_file_is_exit_2():
    proc = run("verify", "/nonexistent/credential.json")
    assert proc.returncode == 2
    _no_traceback(proc)


def test_sign_refuses_another_issuer(issued, tmp_path):
    folder, _ = issued
    unsigned = sample_credential("did:web:roc-voorbeeldstad.example")
    (tmp_path / "u.json").write_text(json.dumps(unsigned))
    proc = run("sign", "--key", str(folder / "key.json"), str(tmp_path / "u.json"))
    assert proc.returncode == 2
    assert b"issuer_mismatch" in proc.stderr
    _no_traceback(proc)


def test_sign_refuses_undefined_terms(issued, tmp_path):
    folder, _ = issued
    unsigned = sample_credential("x")
    del unsigned["issuer"]
    unsigned["credentialSubject"]["favouriteColour"] = "blauw"
    (tmp_path / "u.json").write_text(json.dumps(unsigned))
    proc = run("sign", "--key", str(folder / "key.json"), str(tmp_path / "u.json"))
    assert proc.returncode == 2 and b"undefined_term" in proc.stderr


def test_keys_generate_refuses_to_overwrite(issued):
    folder, _ = issued
    proc = run("keys", "generate", "--type", "p256", "--out", str(folder / "key.json"))
    assert proc.returncode == 2
    _no_traceback(proc)


def test_contexts_export_round_trips_through_verify(tmp_path):
    """Exported contexts are what the bundle holds; a folder may add contexts but not change one."""
    proc = run("contexts", "export", str(tmp_path / "ctx"))
    assert proc.returncode == 0
    mapping = json.loads((tmp_path / "ctx" / "contexts.map.json").read_text())
    assert "https://www.w3.org/ns/credentials/v2" in mapping
    # the exported folder is itself a valid --contexts folder
    vector = VECTORS / "vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"
    proc = run("verify", str(vector), "--json", "--contexts", str(TEST_CONTEXTS))
    assert json.loads(proc.stdout)["errors"][0]["code"] == "key_not_authorized"
    proc = run("verify", str(vector), "--json", "--contexts", str(tmp_path / "ctx"))
    assert json.loads(proc.stdout)["errors"][0]["code"] == "unknown_context"  # examples/v2 is test-only


def test_a_folder_cannot_replace_a_bundled_context(tmp_path):
    (tmp_path / "v2.jsonld").write_text('{"@context": {"@vocab": "https://evil.example/"}}')
    (tmp_path / "contexts.map.json").write_text(json.dumps({"https://www.w3.org/ns/credentials/v2": "v2.jsonld"}))
    proc = run("verify", str(VECTORS / "vc-di-eddsa/unsigned.json"), "--json", "--contexts", str(tmp_path))
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["errors"][0]["code"] == "unknown_context"


def test_demo_runs_end_to_end(tmp_path):
    """One worker's story on SQLite: her key, one of each type issued to her DID, passport with QR/PDF and a
    presentation she signs, the bundle, every QR verified offline, and what the employer sees."""
    proc = run("demo", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout.decode()
    assert out.count("✓ qr-") == 6 and "✗ ingetrokken.json" in out and "[revoked]" in out
    assert "qr-04-of-06-praktijkverklaring.png" in out  # each QR file says what it holds
    assert "-part-" not in out  # drawn as `passport export` draws by default: each credential is one code
    assert "één persoon: Anouk Testdata; de houder heeft het zelf ondertekend" in out
    total, shown = map(int, re.search(r"bewezen vaardigheden: (\d+), de eerste (\d+):", out).groups())
    listed = [line for line in out.splitlines() if line.startswith("   - ")]
    assert len(listed) == shown <= total  # the counts printed are the lines that follow
    assert re.search(r"werk-naar-werk: \d+ van de 16 essentiële vaardigheden voor kok", out)
    # the diploma's CompetentNL skills are said not to compare there, so a cook's low ESCO count is not misread
    assert re.search(r"Alleen ESCO-vaardigheden zijn vergeleken\. \d+ bewezen vaardigheden van Mbo-diploma Kok zijn niet "
                     r"meegeteld: die staan in CompetentNL", out)
    anchor = json.loads((tmp_path / "bundle.json").read_text())["trustList"]["issuer"]
    assert f"ondertekend door {anchor}  /" in out  # whole: the page's --trust-anchor needs it
    *_, done, _, page = out.rstrip().splitlines()
    assert done.startswith("Klaar: alles zoals verwacht")
    assert page == f"skillspas verifier --bundle {tmp_path / 'bundle.json'} --trust-anchor {anchor}"  # to copy whole
    assert (tmp_path / "trust-anchor.txt").read_text() == anchor + "\n"
    assert (tmp_path / "issuer.db").exists() and (tmp_path / "paspoort.pdf").read_bytes().startswith(b"%PDF")
    assert len(list((tmp_path / "qr").glob("*.png"))) == 6
    presentation = json.loads((tmp_path / "presentatie.json").read_text())
    subjects = {c["credentialSubject"]["id"] for c in presentation["verifiableCredential"]}
    assert subjects == {presentation["holder"]} and presentation["holder"].startswith("did:key:")  # all hers
    assert json.loads((tmp_path / "bundle.json").read_text())["trustList"]["type"][-1] == "SkillspasTrustList"


def test_the_demo_says_its_counts_and_dates_in_the_words_of_the_verifier_page(tmp_path):
    """The demo's lines about the employer's view read as the page's: a count of 1 in the singular ("1 van de 16
    essentiële vaardigheden voor kok is bewezen"), counted nouns from the one word table, dates as people write them.
    The count of ESCO skills is followed by what it leaves out (the diploma's 14 CompetentNL skills: no link to ESCO
    in the data) and by the comparison that counts them, with the kwalificatie through its official link."""
    from skillspas.verifier.page.texts import WORDS, counted, for_count

    out = run("demo", "--out", str(tmp_path)).stdout.decode()
    assert "4. " + counted("n_credentials", 6, "nl") + " aangeboden" in out
    assert f"  /  {counted('n_credentials', 6, 'en')} offered" in out
    covered = int(re.search(r"werk-naar-werk: (\d+) van de 16 essentiële vaardigheden voor kok (?:is|zijn) bewezen", out)[1])
    said = WORDS["nl"][for_count("bridge_summary", covered)].format(
        c=covered, essential=counted("n_essential", 16, "nl"), name="kok").rstrip(".")
    assert f"   werk-naar-werk: {said} (ESCO, European Commission)" in out, out
    lines = out.splitlines()
    note = lines[lines.index(f"   werk-naar-werk: {said} (ESCO, European Commission)") + 1]
    assert note.startswith("   Alleen ESCO-vaardigheden zijn vergeleken. 14 bewezen vaardigheden van Mbo-diploma Kok zijn niet meegeteld")
    assert "Vergelijk met de kwalificatie Kok (crebo 25180)" in note
    counted_there = WORDS["nl"]["bridge_summary"].format(c=14, essential=counted("n_essential", 14, "nl"),
                                                         name="kwalificatie Kok (crebo 25180)").rstrip(".")
    assert f"   werk-naar-werk: {counted_there} (SBB/CompetentNL)" in out, out
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", out.replace(str(tmp_path), "")), out


def test_the_demo_issues_through_claim_offers_claimed_with_her_passport_key(tmp_path):
    import sqlite3

    from skillspas.wallet_export.store import PassportStore

    assert run("demo", "--out", str(tmp_path)).returncode == 0
    wallet = PassportStore(tmp_path / "paspoort-anouk")
    holder = wallet.holder()
    assert holder is not None and wallet.holder_key_path.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(tmp_path / "issuer.db") as db:
        offers = db.execute("SELECT holder, used_at, credential_id FROM claim_offers").fetchall()
    assert len(offers) == 6 and all(h == holder.controller and used and cid for h, used, cid in offers)
    stored = {e.document["id"]: e.document for e in wallet.entries()}
    presentation = json.loads((tmp_path / "presentatie.json").read_text())
    for credential in presentation["verifiableCredential"]:  # every credential she shows came in by her claim
        assert credential["id"] in {cid for _, _, cid in offers}
        assert credential == stored.get(credential["id"]) or any(c == credential for c in stored.values())


def test_sign_refuses_a_credential_carrying_a_bsn_and_writes_nothing(issued, tmp_path):
    folder, _ = issued
    unsigned = sample_credential("x")
    del unsigned["issuer"]
    unsigned["credentialSubject"]["identifier"] = [{
        "type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "111222333",  # passes the elfproef
    }]
    (tmp_path / "u.json").write_text(json.dumps(unsigned))
    proc = run("sign", "--key", str(folder / "key.json"), str(tmp_path / "u.json"))
    assert proc.returncode == 2, proc.stderr
    assert b"forbidden_field" in proc.stderr and proc.stdout == b""
    _no_traceback(proc)


_HEAVY = ("fastapi", "sqlalchemy", "uvicorn", "fpdf", "PIL", "zxingcpp", "segno", "pypdf", "reportlab",
          "requests", "urllib3", "aiohttp", "jsonschema", "referencing", "pydantic", "skillspas.issuer.settings")
"""Never loaded by verify, sign or vocab search (the HTTP clients: pyld's default loader is not built from them;
jsonschema and referencing: the compiled checks decide a well-formed credential and find their ``$ref``s among
the bundled schemas, jsonschema only words a refusal; pydantic: typer is pinned below the release that uses it,
pyproject.toml)."""


def _loaded_after(args: list[str], watched: tuple[str, ...] = _HEAVY, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """Run the console entry with ``args`` in a fresh interpreter; its exit code and which ``watched`` modules it loaded."""
    code = ("import sys\nfrom skillspas.issuer.cli import main\nsys.argv = ['skillspas', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    status = exc.code\nelse:\n    status = 0\n"
            f"print('LOADED', status, *[m for m in {watched!r} if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED")][-1].split()
    return int(line[1] or 0), set(line[2:])


def test_verify_sign_and_vocab_search_load_no_service_pdf_image_http_or_json_schema_stack(issued, tmp_path):
    folder, did = issued
    status, loaded = _loaded_after(["verify", str(folder / "signed.json"), "--trust-issuer", did])
    assert status == 0 and loaded == set()
    status, loaded = _loaded_after(["verify", str(folder / "signed.json"), "--trust-issuer", "did:key:z6Mkv87zJMLhXzps8JofaqqFkZANnG3vkMdeDTwdXRCP5UNo"])  # another issuer: exit 1
    assert status == 1 and loaded == set()
    status, loaded = _loaded_after(["sign", "--key", str(folder / "key.json"), str(folder / "unsigned.json")])
    assert status == 0 and loaded == set()
    status, loaded = _loaded_after(["vocab", "search", "samenwerken"])
    assert status == 0 and loaded == set()


def test_a_fast_path_verify_with_stored_contexts_loads_no_json_ld_engine(issued, tmp_path):
    """The first verify stores the compiled contexts in the cache folder; the next one needs no pyld at all."""
    folder, did = issued
    env = {**os.environ, "SKILLSPAS_CACHE_DIR": str(tmp_path)}
    args = ["verify", str(folder / "signed.json"), "--trust-issuer", did]
    engine = ("pyld", "skillspas.schemas.jsonld._pyld_cache", "skillspas.schemas.jsonld.expand", "skillspas.schemas.jsonld.loader")
    status, loaded = _loaded_after(args, engine, env)
    assert status == 0 and "pyld" in loaded  # nothing stored yet: pyld processes the contexts
    assert len(list(tmp_path.glob("fastcontext-*.json"))) == 1
    status, loaded = _loaded_after(args, engine, env)
    assert status == 0 and loaded == set()


def test_vocab_search_loads_no_json_ld_or_signing_stack():
    code = ("import sys\nfrom skillspas.issuer.cli import main\nsys.argv = ['skillspas', 'vocab', 'search', 'koken']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', *[m for m in ('pyld', 'skillspas.verifier.pipeline', 'fastapi', 'sqlalchemy') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.splitlines()[-1] == "LOADED", proc.stdout + proc.stderr


def test_the_whole_command_still_lists_every_sub_command():
    proc = run("--help")
    assert proc.returncode == 0
    for name in ("keys", "contexts", "bundle", "trust-list", "passport", "verify", "verifier", "serve", "org",
                 "batch", "status", "issue", "vocab", "sign", "demo"):
        assert re.search(rf"│ {re.escape(name)}\s", proc.stdout.decode()), name
