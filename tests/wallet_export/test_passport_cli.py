"""``skillspas passport add/list/remove/export/show`` as a worker runs it: exit codes, files, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from skillspas.keys.keyfile import save
from skillspas.schemas.errors import SkillspasError
from skillspas.schemas.vocab import SkillsVocabulary, shown_label
from skillspas.verifier import verify
from skillspas.verifier.qr import decode_payload, read_qr_image
from skillspas.wallet_export.cli import passport_app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(passport_app, list(args), env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def _tampered(folder, credential: dict, file: str = "t.json", **changes: str):
    """``credential`` changed after signing (its proof no longer holds), written to ``folder / file``."""
    path = folder / file
    path.write_text(json.dumps({**credential, **changes}))
    return path


@pytest.fixture()
def files(tmp_path, diplomas, holder):
    paths = []
    for n in (8, 3, 12):
        path = tmp_path / f"diploma-{n}.json"
        path.write_text(json.dumps(diplomas[n], indent=2), "utf-8")
        paths.append(path)
    key = tmp_path / "holder-key.json"
    save(holder.keypair, key)
    return tmp_path, paths, key


def test_add_list_remove_round_trip(files):
    folder, paths, _ = files
    passport = str(folder / "passport")
    added = run("add", *map(str, paths), "--passport", passport)
    assert added.exit_code == 0
    refs = [line.split()[0] for line in added.output.splitlines()]
    listed = run("list", "--passport", passport, "--json")
    assert [item["ref"] for item in json.loads(listed.output)] == refs
    assert [item["skills"] for item in json.loads(listed.output)] == [8, 3, 12]
    assert run("list", "--passport", passport).exit_code == 0
    assert run("remove", refs[1], "--passport", passport).exit_code == 0
    assert [item["ref"] for item in json.loads(run("list", "--passport", passport, "--json").output)] == [refs[0], refs[2]]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_add_and_remove_report_the_kept_bundle_and_the_removal_in_the_language_of_lang(files, lang):
    from skillspas.verifier import Bundle

    folder, paths, _ = files
    passport = folder / "passport"
    bundle = Bundle.create().to_file(folder / "bundle.json")
    added = run("add", str(paths[0]), "--passport", str(passport), "--bundle", str(bundle), "--lang", lang)
    assert added.exit_code == 0, added.output
    ref, kept = added.stdout.splitlines()[0].split()[0], added.stdout.splitlines()[-1]
    removed = run("remove", ref, "--passport", str(passport), "--lang", lang)
    assert removed.exit_code == 0, removed.output
    if lang == "nl":
        assert kept.startswith("controlebundel: ") and removed.stdout.startswith(f"verwijderd: {ref}  ")
    else:
        assert kept.startswith("bundle: ") and removed.stdout.startswith(f"removed {ref}  ")


def test_add_with_a_bundle_merges_it_into_the_passports_bundle_whose_trust_list_stays_unless_the_bundle_has_one(files):
    import datetime as dt

    from skillspas.issuer.status_lists import status_list_credential
    from skillspas.verifier import Bundle
    from skillspas.wallet_export.store import PassportStore

    folder, paths, _ = files
    passport = folder / "passport"
    school, other, url = "did:web:school.example", "did:web:other.example", "https://school.example/status/1"

    now = dt.datetime.now(dt.timezone.utc)

    def status_list(days_ago: int) -> dict:
        return status_list_credential(url, issuer=school, valid_from=now - dt.timedelta(days=days_ago))

    authority = {"id": "urn:uuid:the-trust-authoritys-list"}
    PassportStore(passport).keep_bundle(Bundle.create(trust_list=authority, did_documents=[{"id": school, "n": 1}],
                                                      status_lists=[status_list(1)]))
    named = Bundle.create(did_documents=[{"id": other}], status_lists=[status_list(5)])
    added = run("add", str(paths[0]), "--passport", str(passport), "--bundle", str(named.to_file(folder / "b1.json")))
    assert added.exit_code == 0, added.output
    kept = PassportStore(passport).bundle()
    assert kept.trust_list == authority and set(kept.did_documents) == {school, other}
    assert kept.status_lists[url] == status_list(1)  # the newer one
    newer = Bundle.create(trust_list={"id": "urn:uuid:a-newer-list"}, did_documents=[{"id": school, "n": 2}])
    added = run("add", str(paths[1]), "--passport", str(passport), "--bundle", str(newer.to_file(folder / "b2.json")))
    assert added.exit_code == 0, added.output
    kept = PassportStore(passport).bundle()
    assert kept.trust_list == {"id": "urn:uuid:a-newer-list"} and kept.did_documents[school] == {"id": school, "n": 1}
    assert other in kept.did_documents and len(PassportStore(passport).entries()) == 2


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_did_document_of_a_bundle_the_worker_adds_that_differs_from_the_passports_is_kept_out_with_a_coded_warning(
        files, lang):
    # DID documents carry no date: an older one could bring back a key its issuer dropped (perhaps a compromised one).
    from skillspas.verifier import Bundle
    from skillspas.wallet_export.store import PassportStore

    folder, paths, _ = files
    passport, school, new = folder / "passport", "did:web:school.example", "did:web:new-school.example"
    PassportStore(passport).keep_bundle(Bundle.create(did_documents=[{"id": school, "n": 2}]))
    named = Bundle.create(did_documents=[{"id": school, "n": 1}, {"id": new}]).to_file(folder / "named.json")
    added = run("add", str(paths[0]), "--passport", str(passport), "--bundle", str(named), "--lang", lang)
    assert added.exit_code == 0, added.output
    assert f"let op [did_document_kept]: het DID-document van '{school}'" in added.stderr
    assert f"warning [did_document_kept]: the bundle's DID document of '{school}'" in added.stderr
    assert "--replace-did-documents" in added.stderr and new not in added.stderr
    kept = PassportStore(passport).bundle()
    assert dict(kept.did_documents) == {school: {"id": school, "n": 2}, new: {"id": new}}
    replaced = run("add", str(paths[1]), "--passport", str(passport), "--bundle", str(named), "--replace-did-documents")
    assert replaced.exit_code == 0 and "did_document_kept" not in replaced.stderr, replaced.output
    assert PassportStore(passport).bundle().did_documents[school] == {"id": school, "n": 1}  # the worker's choice
    alone = run("add", str(paths[2]), "--passport", str(passport), "--replace-did-documents")
    assert alone.exit_code == 2 and "[invalid_option]" in alone.stderr and len(PassportStore(passport).entries()) == 2


def test_passport_folder_defaults_to_skillspas_home(files):
    folder, paths, _ = files
    home = folder / "home"
    assert run("add", str(paths[0]), env={"SKILLSPAS_HOME": str(home)}).exit_code == 0
    assert len(list((home / "passport").glob("*.json"))) == 1


def test_add_tampered_credential_exits_1_and_stores_nothing(files, diplomas):
    folder, _, _ = files
    path = _tampered(folder, diplomas[8], "tampered.json", validFrom="2020-01-01T00:00:00Z")
    result = run("add", str(path), "--passport", str(folder / "p"))
    assert result.exit_code == 1 and "invalid_signature" in result.output
    assert "de handtekening past niet bij de inhoud" in result.output  # the reason, in Dutch too
    assert not (folder / "p").exists()


def test_add_malformed_file_exits_2(files):
    folder, _, _ = files
    path = folder / "broken.json"
    path.write_text("{")
    assert run("add", str(path), "--passport", str(folder / "p")).exit_code == 2
    assert run("add", str(folder / "missing.json"), "--passport", str(folder / "p")).exit_code == 2


def test_remove_unknown_reference_exits_2(files):
    folder, paths, _ = files
    run("add", str(paths[0]), "--passport", str(folder / "p"))
    assert run("remove", "ffffffff", "--passport", str(folder / "p")).exit_code == 2


def test_export_writes_every_form_and_each_verifies(files, issuer, holder):
    folder, paths, key = files
    passport = str(folder / "passport")
    refs = [line.split()[0] for line in run("add", *map(str, paths), "--passport", passport).output.splitlines()]
    out = folder / "out"
    result = run(
        "export", refs[0], str(paths[2]), "--passport", passport,
        "--qr", str(out / "qr"), "--pdf", str(out / "p.pdf"), "--presentation", str(out / "vp.json"),
        "--openbadges", str(out / "ob"), "--holder-key", str(key), "--challenge", "c-1", "--domain", "werkgever.example",
        "--qr-version", "15",
    )
    assert result.exit_code == 0, result.output
    vp = json.loads((out / "vp.json").read_text())
    assert vp["holder"] == holder.controller and len(vp["verifiableCredential"]) == 2
    assert verify(vp, trusted_issuers=[issuer.controller], challenge="c-1", domain="werkgever.example").verified
    assert verify(vp, trusted_issuers=[issuer.controller], challenge="c-2").first_error.code.value == "challenge_mismatch"
    pngs = sorted((out / "qr").glob("*.png"))  # larger than version 15 (--qr-version 15): two parts each
    assert [p.name for p in pngs] == [f"qr-0{i}-of-02-open-badge-part-{j}-of-2.png" for i in (1, 2) for j in (1, 2)]
    parts = [read_qr_image(png) for png in reversed(pngs[2:])]  # in any order
    assert verify(decode_payload("\n".join(parts)), trusted_issuers=[issuer.controller]).verified
    with pytest.raises(SkillspasError) as caught:
        decode_payload(parts[0])
    assert caught.value.code.value == "qr_incomplete"
    assert (out / "p.pdf").read_bytes().startswith(b"%PDF-")
    assert len(list((out / "ob").glob("*.json"))) == 2


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_export_reports_what_it_wrote_in_the_language_of_lang(files, lang):
    folder, paths, key = files
    out = folder / "out"
    result = run("export", str(paths[0]), "--passport", str(folder / "passport"), "--holder-key", str(key),
                 "--qr", str(out / "qr"), "--pdf", str(out / "p.pdf"), "--presentation", str(out / "vp.json"),
                 "--openbadges", str(out / "ob"), "--lang", lang)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(list((out / "qr").glob("*.png"))) == 1  # one credential, one code: the singular
    if lang == "nl":
        assert lines == [f"presentatie: {out / 'vp.json'} (ondertekend door de houder)",
                         f"QR: 1 PNG-bestand in {out / 'qr'}", f"pdf: {out / 'p.pdf'}",
                         f"Open Badges 3.0: 1 JSON-bestand in {out / 'ob'}"]
    else:
        assert lines == [f"presentation: {out / 'vp.json'} (signed by the holder)",
                         f"QR: 1 PNG file in {out / 'qr'}", f"PDF: {out / 'p.pdf'}",
                         f"Open Badges 3.0: 1 JSON file in {out / 'ob'}"]


def test_every_exported_file_and_new_folder_is_the_owners_only_like_the_passport_itself(files):
    """QR images, the PDF, the presentation and the badges hold a person's name and achievements."""
    import os
    import stat

    previous = os.umask(0o022)  # a permissive umask, as on many desktops (restored below)
    try:
        folder, paths, _ = files
        passport = str(folder / "passport")
        out = folder / "export"
        result = run("export", str(paths[0]), "--passport", passport, "--unsigned", "--qr", str(out / "qr"),
                     "--pdf", str(out / "pdf" / "p.pdf"), "--presentation", str(out / "vp" / "vp.json"),
                     "--openbadges", str(out / "ob"))
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) >= 4
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in written} == {p.name: 0o600 for p in written}
    folders = [out / "qr", out / "pdf", out / "vp", out / "ob"]
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in folders} == {p.name: 0o700 for p in folders}


def test_export_makes_every_missing_folder_above_a_pdf_or_presentation_the_owners_only(files):
    """``--pdf a/b/p.pdf``: a passport is personal data, so ``a`` is 0700 as well as ``b``, not the umask's 0755."""
    import os
    import stat

    folder, paths, _ = files
    out = folder / "a"
    previous = os.umask(0o022)
    try:
        result = run("export", str(paths[0]), "--passport", str(folder / "p"), "--unsigned",
                     "--pdf", str(out / "b" / "p.pdf"), "--presentation", str(out / "c" / "d" / "vp.json"),
                     "--qr", str(out / "e" / "qr"))
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    made = [out, out / "b", out / "c", out / "c" / "d", out / "e", out / "e" / "qr"]
    assert {str(p): stat.S_IMODE(p.stat().st_mode) for p in made} == {str(p): 0o700 for p in made}


def test_export_without_names_exports_the_whole_passport(files):
    folder, paths, _ = files
    passport = str(folder / "passport")
    run("add", *map(str, paths), "--passport", passport)
    assert run("export", "--passport", passport, "--presentation", str(folder / "vp.json")).exit_code == 0
    assert len(json.loads((folder / "vp.json").read_text())["verifiableCredential"]) == 3


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["export", "x.json"], id="no output named"),
        pytest.param(["export", "--presentation", "vp.json", "--challenge", "c"], id="challenge without holder key"),
        pytest.param(["export", "--presentation", "vp.json"], id="empty passport"),
        pytest.param(["export", "nothing-here", "--presentation", "vp.json"], id="unknown name"),
        pytest.param(["list", "--lang", "de"], id="unknown language"),
    ],
)
def test_export_usage_errors_exit_2(files, args):
    folder, _, _ = files
    assert run(*args, "--passport", str(folder / "empty")).exit_code == 2


@pytest.mark.parametrize(
    "args, dutch",
    [
        pytest.param(["export", "x.json"], "noem minstens één van --qr", id="no output named"),
        pytest.param(["export", "CREDENTIAL", "--presentation", "vp.json", "--challenge", "c"], "hebben je sleutel nodig",
                     id="challenge without key"),
        pytest.param(["export", "--presentation", "vp.json"], "is leeg", id="empty passport"),
        pytest.param(["export", "--qr", "q", "--bridge-to", "kok"], "geef ook --pdf", id="bridge without pdf"),
        pytest.param(["export", "--presentation", "vp.json", "--unsigned", "--challenge", "c"], "laat --holder-key", id="unsigned with challenge"),
        pytest.param(["list", "--lang", "de"], "--lang moet nl of en zijn", id="unknown language"),
    ],
)
def test_a_usage_error_says_what_is_wrong_in_dutch_too(files, args, dutch):
    folder, paths, _ = files
    result = run(*(str(paths[0]) if arg == "CREDENTIAL" else arg for arg in args), "--passport", str(folder / "empty"))
    dutch_line = next(line for line in result.output.splitlines() if line.startswith("fout ["))
    assert result.exit_code == 2 and dutch in dutch_line, result.output


def test_an_added_file_that_is_no_credential_is_refused_in_dutch_too(files):
    folder, _, _ = files
    path = folder / "presentation.json"
    path.write_text('{"type": ["VerifiablePresentation"]}')
    result = run("add", str(path), "--passport", str(folder / "p"))
    assert result.exit_code == 2 and "alleen een bewijsstuk (VerifiableCredential) kan in je paspoort" in result.output


def test_show_prints_a_table_of_skills(files, diplomas):
    _, paths, _ = files
    result = run("show", str(paths[0]), env={"COLUMNS": "200"})  # each skill on one line
    assert result.exit_code == 0
    vocabulary = SkillsVocabulary.bundled()
    for alignment in diplomas[8]["credentialSubject"]["achievement"]["alignment"]:  # as the verifier's pages name them
        assert shown_label(vocabulary.get(alignment["targetUrl"]).labels, "nl", "") in result.output
    assert "Vaardigheden (8)" in result.output and "handtekening in orde" in result.output


def test_show_reads_a_qr_image_and_a_presentation(files, holder):
    folder, paths, key = files
    run("export", str(paths[1]), "--qr", str(folder / "qr"), "--qr-version", "40", "--presentation", str(folder / "vp.json"),
        "--holder-key", str(key), "--passport", str(folder / "p"))
    shown = run("show", str(folder / "qr" / "qr-01-of-01-open-badge.png"), "--lang", "en")
    assert shown.exit_code == 0 and "Skills (3)" in shown.output and "did🔑" not in shown.output
    assert run("show", str(folder / "vp.json")).exit_code == 0


def test_show_tampered_credential_exits_1(files, diplomas):
    folder, _, _ = files
    path = _tampered(folder, diplomas[3], name="Iets anders")
    result = run("show", str(path))
    assert result.exit_code == 1 and "NIET in orde" in result.output


def test_show_says_why_a_credential_is_not_valid_in_the_language_of_lang(files, diplomas):
    folder, _, _ = files
    path = _tampered(folder, diplomas[3], name="Iets anders")
    dutch, english = run("show", str(path)), run("show", str(path), "--lang", "en")
    assert "het bewijsstuk is na ondertekening gewijzigd" in dutch.output and "does not match" not in dutch.output
    assert "does not match" in english.output


def test_show_with_a_bundle_that_has_no_trust_list_checks_the_signature_and_does_not_call_a_credential_untrusted(files):
    from skillspas.verifier import Bundle

    folder, paths, _ = files
    keys_only = Bundle.create().to_file(folder / "keys-only.json")  # as the issuer's /bundle that `claim` keeps
    result = run("show", str(paths[0]), "--bundle", str(keys_only))
    assert result.exit_code == 0, result.output
    assert "handtekening in orde" in result.output and "untrusted_issuer" not in result.output


def test_show_takes_the_reference_that_list_shows(files, diplomas):
    folder, paths, _ = files
    passport = str(folder / "p")
    ref = run("add", str(paths[0]), "--passport", passport).output.split()[0]
    result = run("show", ref, "--passport", passport)
    assert result.exit_code == 0 and "Vaardigheden (8)" in result.output, result.output
    missing = run("show", "nothing-here.json", "--passport", passport)
    assert missing.exit_code == 2 and "geen bestand en geen referentie" in missing.output


def test_show_unreadable_image_exits_2(files):
    folder, _, _ = files
    path = folder / "noise.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * 100)
    result = run("show", str(path))
    assert result.exit_code == 2 and "qr_unreadable" in result.output


def test_root_command_offers_passport(files):
    _, paths, _ = files
    proc = subprocess.run(
        [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "passport", "show", str(paths[0])],
        capture_output=True, timeout=120,
    )
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr


def test_add_says_which_version_a_co_signed_credential_replaces(files, diplomas, issuer):
    import datetime as dt

    from skillspas.issuer import sign

    folder, _, _ = files
    single, double = folder / "single.json", folder / "double.json"
    single.write_text(json.dumps(diplomas[5]))
    double.write_text(json.dumps(sign(json.loads(json.dumps(diplomas[5])), issuer, append=True,
                                      created=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))))
    passport = str(folder / "p")
    first = run("add", str(single), "--passport", passport).output.split()[0]
    assert f"vervangt {first}" in run("add", str(double), "--passport", passport).output
    assert "staat al in je paspoort" in run("add", str(single), "--passport", passport).output
    assert len(json.loads(run("list", "--json", "--passport", passport).output)) == 1


def test_export_warns_before_it_shares_a_credential_whose_proof_fails(files, diplomas):
    folder, paths, _ = files
    path = _tampered(folder, diplomas[3], name="Iets anders")
    result = run("export", str(paths[0]), str(path), "--presentation", str(folder / "vp.json"), "--unsigned",
                 "--passport", str(folder / "p"))
    assert result.exit_code == 0
    warned = [line for line in result.output.splitlines() if line.startswith("LET OP")]
    assert len(warned) == 1 and "„Iets anders” is niet geldig (invalid_signature" in warned[0], result.output


@pytest.mark.parametrize("code", ["c" * 101, "sollicitatie\u202e24", "  ", "a\x07b"],
                         ids=["longer than the page takes", "bidi override", "blank", "control character"])
@pytest.mark.parametrize("option", ["--challenge", "--domain"])
def test_export_refuses_a_challenge_or_domain_no_verifier_would_take(files, option, code):
    folder, paths, key = files
    result = run("export", str(paths[0]), "--presentation", str(folder / "vp.json"), "--holder-key", str(key),
                 option, code, "--passport", str(folder / "p"))
    assert result.exit_code == 2 and "[invalid_option]" in result.output and option in result.output
    assert not (folder / "vp.json").exists()


def test_export_signs_the_challenge_trimmed_as_the_page_trims_the_code_typed_into_it(files, issuer):
    folder, paths, key = files
    run("export", str(paths[0]), "--presentation", str(folder / "vp.json"), "--holder-key", str(key),
        "--challenge", " sollicitatie-24\n", "--passport", str(folder / "p"))
    presentation = (folder / "vp.json").read_bytes()
    assert verify(presentation, challenge="sollicitatie-24", trusted_issuers=[issuer.controller])


def test_a_huge_file_is_refused_without_a_wrong_size(files):
    folder, _, _ = files
    path = folder / "huge.json"
    path.write_bytes(b'{"x": "' + b"y" * (3 * 1024 * 1024) + b'"}')
    result = run("add", str(path), "--passport", str(folder / "p"))
    assert result.exit_code == 2 and "[too_large]" in result.output
    assert "1048577" not in result.output and "groter dan 1048576 bytes" in result.output, result.output


def test_verify_of_a_presentation_names_each_credential_verdict_and_why_in_the_language_of_lang(files, diplomas, issuer):
    from skillspas.issuer.cli import app

    folder, paths, _ = files
    _tampered(folder, diplomas[3], name="Iets anders")
    run("export", str(paths[0]), str(folder / "t.json"), "--presentation", str(folder / "vp.json"), "--unsigned",
        "--passport", str(folder / "p"))
    common = ["verify", str(folder / "vp.json"), "--trust-issuer", issuer.controller]
    dutch = CliRunner().invoke(app, common).output.splitlines()
    assert any(line.startswith("  ✓ #1 Geldig — ") for line in dutch), dutch
    assert "  ✗ #2 Niet geldig [invalid_signature]" in dutch
    assert any(line.startswith("    de handtekening past niet bij de inhoud") for line in dutch)
    english = CliRunner().invoke(app, [*common, "--lang", "en"]).output.splitlines()
    assert "  ✗ #2 Not valid [invalid_signature]" in english and not any("credential 2" in line for line in english)


def test_add_of_several_files_adds_every_good_one_and_says_each_refused_one(files):
    folder, paths, _ = files
    broken = folder / "broken.json"
    broken.write_text("{")
    result = run("add", str(paths[0]), str(broken), str(folder / "missing.json"), str(paths[1]),
                 "--passport", str(folder / "p"))
    assert result.exit_code == 2, result.output
    assert "broken.json" in result.output and "missing.json" in result.output
    listed = run("list", "--passport", str(folder / "p"), "--json")
    assert len(json.loads(listed.output)) == 2  # the first and the last file, around the refused ones


def test_a_passport_pdf_given_to_add_or_show_points_to_skillspas_verify(files):
    folder, _, _ = files
    pdf = folder / "paspoort.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for command in ("add", "show"):
        result = run(command, str(pdf), "--passport", str(folder / "p"))
        assert result.exit_code == 2 and "[invalid_option]" in result.output, result.output
        assert f"skillspas verify {pdf}" in result.output and "UTF-8" not in result.output


def test_adding_a_credential_bound_to_another_did_than_your_key_warns_at_once(files, diplomas, issuer):
    from skillspas.issuer import sign
    from skillspas.keys import LocalSigner, generate

    folder, paths, _ = files
    passport = str(folder / "p")
    mine = run("init", "--passport", passport).output.strip()
    someone = LocalSigner(generate("ed25519")).controller
    other = json.loads(json.dumps(diplomas[2]))
    other.pop("proof")
    other["credentialSubject"]["id"] = someone
    path = folder / "other.json"
    path.write_text(json.dumps(sign(other, issuer)), "utf-8")
    result = run("add", str(path), "--passport", passport)
    assert result.exit_code == 0, result.output
    assert "holder_mismatch" in result.output and someone in result.output and mine in result.output


def test_reading_a_credential_file_raises_its_coded_error_for_the_command_to_refuse(files):
    """``_read`` raises ``file_error`` / ``invalid_option``; each command refuses it (``schemas.report.refuse``, the
    one place that makes an exit code), rather than ``_read`` exiting and ``add`` catching ``SystemExit``."""
    from skillspas.schemas.errors import ErrorCode
    from skillspas.wallet_export.cli import _read

    folder, _, _ = files
    pdf = folder / "paspoort.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    for path, code in ((folder / "missing.json", ErrorCode.FILE_ERROR), (folder, ErrorCode.FILE_ERROR),
                       (pdf, ErrorCode.INVALID_OPTION)):
        with pytest.raises(SkillspasError) as raised:
            _read(path)
        assert raised.value.code is code and str(path) in raised.value.message


def test_add_refuses_an_unreadable_file_as_before_naming_it_once_and_goes_on(files):
    folder, paths, _ = files
    missing = folder / "missing.json"
    result = run("add", str(missing), str(paths[0]), "--passport", str(folder / "p"))
    assert result.exit_code == 2, result.output
    said = [line for line in result.output.splitlines() if "[file_error]" in line]
    assert [line.split(" [")[0] for line in said] == ["fout", "error"], result.output
    assert all(line.count(str(missing)) == 1 for line in said), said  # not "missing.json: … missing.json"
    assert len(json.loads(run("list", "--passport", str(folder / "p"), "--json").output)) == 1


def test_bridge_refuses_a_malformed_credential_file_with_its_code_not_as_an_internal_error(files):
    """``passport bridge`` read its files outside the command's refusal: a coded error escaped as a crash."""
    folder, _, _ = files
    broken = folder / "broken.json"
    broken.write_text("{")
    result = runner.invoke(passport_app, ["bridge", str(broken), "--to", "kok", "--passport", str(folder / "p")])
    assert result.exit_code == 2 and "[malformed_json]" in result.output, (result.output, result.exception)


def test_add_takes_a_photo_of_a_credentials_qr_code_as_show_does(files):
    folder, paths, key = files
    run("export", str(paths[1]), "--qr", str(folder / "qr"), "--qr-version", "40", "--passport", str(folder / "p"))
    passport = str(folder / "p")
    added = run("add", str(folder / "qr" / "qr-01-of-01-open-badge.png"), "--passport", passport)
    assert added.exit_code == 0, added.output
    assert [item["skills"] for item in json.loads(run("list", "--passport", passport, "--json").output)] == [3]


@pytest.mark.parametrize("command", [["bridge", "--to", "kok"], ["export", "--unsigned", "--presentation"]])
def test_a_bundle_named_among_the_credentials_is_refused_by_its_name_not_made_to_fail_them_all(files, command):
    """``passport bridge diploma.json bundle.json`` (``*.json`` in a passport folder) put the bundle into the
    passport's presentation: the whole presentation was unusable, and the bridge counted none of the credentials."""
    from skillspas.verifier import Bundle

    folder, paths, _ = files
    bundle = Bundle.create().to_file(folder / "bundle.json")
    output = [str(folder / "vp.json")] if command[0] == "export" else []
    result = run(command[0], str(paths[0]), str(bundle), *command[1:], *output, "--passport", str(folder / "p"))
    assert result.exit_code == 2 and "[schema_invalid]" in result.output, result.output
    assert f"{bundle}: alleen een bewijsstuk (VerifiableCredential)" in result.output
