"""What skillspas wrote and reads back later, changed between two runs: a batch's output folder (its credential files,
the offers' in-progress file and QR folder), the data folder (organisation key files, a keystore's history, imported
vocabularies and registers, the passport's credentials) and the cache folder (the vocabulary index, the fast path's
stored contexts). A sync tool, a text editor, a full disk or an attacker may leave any of them cut short, huge (a sparse
file), a pipe, a folder, a link out of the folder or another valid file. Each is repaired from what skillspas keeps
(a batch's file from the store, a cache by a rebuild) or refused with a code in Dutch and English: never a wait for
ever, never a whole huge file read, never a traceback or ``[internal]``, never a write through a link out of the folder,
and never a wrong file trusted (a key file swapped for another key signed credentials nobody could verify)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import diploma_rows_csv
from hostilekit import assert_coded_refusal, run_bounded, run_cli
from skillspas.issuer.batch import issue_rows, read_csv, validate_rows
from skillspas.issuer.batch_worker import SignJob, sign_rows
from skillspas.issuer.batch_offers import IN_PROGRESS, MANIFEST_JSON, QR_FOLDER, offer_rows
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import create_organisation
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import Store, open_store
from skillspas.keys import generate
from skillspas.keys.keyfile import Keystore, save
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.vocab_index import VocabIndex

BASE = "http://127.0.0.1:8000"
HUGE = 8 << 30
"""A sparse file of 8 GiB: no disk space, but reading it whole needs 8 GiB of memory."""


@dataclass
class School:
    """A ROC on SQLite in a folder of its own (unencrypted keys, so the command line needs no passphrase)."""

    settings: Settings
    store: Store
    issuer: Issuer
    org_id: str

    def cli(self, *args: str) -> list[str]:
        """The arguments of ``skillspas ARGS`` on this school's data folder."""
        return [*args, "--data-dir", str(self.settings.data_dir), "--public-url", BASE, "--dev"]

    def key_file(self) -> Path:
        [found] = Path(self.settings.keys).glob(f"{self.org_id}-*.json")
        return found


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("readback-school")
    settings = Settings(data_dir=folder, public_url=BASE, dev=True, batch_workers=1)
    store = open_store(settings.database)
    created = create_organisation(store, settings, "ROC Teruglezen", role="mbo", did_web="roc-terug.example")
    try:
        yield School(settings, store, Issuer(store, settings), created.id)
    finally:
        store.dispose()


def batch(school: School, csv_file: Path, out: Path) -> list[Path]:
    """``skillspas batch mbo-diploma --csv csv_file --out out`` through the library; the credential files."""
    org = school.issuer.orgs.get(school.org_id)
    plan = validate_rows(school.issuer, org, "mbo-diploma", read_csv(csv_file))
    return [out / entry["file"] for entry in issue_rows(school.issuer, org, plan, out=out).entries]


def _prefix() -> str:
    return uuid.uuid4().hex[:8]


def _huge(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(HUGE)


# -- a batch's credential files ----------------------------------------------------------------------------------

def _link_to(content: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    def damage(file: Path, outside: Path) -> None:
        outside.write_bytes(content(file.read_bytes()))
        file.unlink()
        file.symlink_to(outside)
    return damage


REPAIRED: dict[str, Callable[[Path, Path], None]] = {
    "cut short": lambda file, _: file.write_bytes(file.read_bytes()[:100]),
    "not UTF-8": lambda file, _: file.write_bytes(b"\xff\xfe" + file.read_bytes()),
    "100,000 levels deep": lambda file, _: file.write_bytes(b"[" * 100_000 + b"]" * 100_000),
    "a sparse file of 8 GiB": lambda file, _: _huge(file),
    "a link out of the folder to the right credential": _link_to(lambda data: data),
    "a link out of the folder to another file": _link_to(lambda data: b'{"not": "this credential"}\n'),
}
READ_WHOLE = {"a sparse file of 8 GiB"}
"""The damage that was read whole: re-run as a command, bounded in memory (``run_bounded``)."""


@pytest.mark.parametrize("damage", list(REPAIRED))
def test_a_batch_rerun_rewrites_a_damaged_credential_file_from_the_store_and_never_writes_through_a_link(
        school, tmp_path, damage):
    """A re-run reads each earlier file back (``check_files``): an 8 GiB file was read whole (MemoryError), and a link
    out of the folder to the credential was trusted as its file."""
    csv_file, out, outside = diploma_rows_csv(tmp_path / "rows.csv", [_prefix()]), tmp_path / "out", tmp_path / "elsewhere.json"
    [file] = batch(school, csv_file, out)
    original = file.read_bytes()
    REPAIRED[damage](file, outside)
    before = outside.read_bytes() if outside.exists() else None
    if damage in READ_WHOLE:
        run = run_bounded("batch", "mbo-diploma", *school.cli("--csv", str(csv_file), "--org", school.org_id,
                                                              "--out", str(out)))
        assert run.exit_code == 0, run.stderr[-2000:]
        assert json.loads(run.stdout.splitlines()[-1])["issuedNow"] == 0
    else:
        batch(school, csv_file, out)
    assert not file.is_symlink() and stat.S_IMODE(file.stat().st_mode) == 0o600
    assert file.read_bytes() == original
    assert (outside.read_bytes() if outside.exists() else None) == before  # nothing written out of the folder


REFUSED: dict[str, Callable[[Path], None]] = {
    "a pipe": lambda file: os.mkfifo(file),
    "a folder": lambda file: file.mkdir(),
    "a link out of the folder to a folder": lambda file: file.symlink_to(file.parent.parent, target_is_directory=True),
}


@pytest.mark.parametrize("damage", list(REFUSED))
def test_a_batch_rerun_refuses_a_pipe_or_folder_in_a_credential_files_place_at_once_and_leaves_it(
        school, tmp_path, damage):
    """A pipe in a credential file's place was opened to be read, waiting for a writer for ever."""
    csv_file, out = diploma_rows_csv(tmp_path / "rows.csv", [_prefix()]), tmp_path / "out"
    [file] = batch(school, csv_file, out)
    file.unlink()
    REFUSED[damage](file)
    run = run_bounded("batch", "mbo-diploma", *school.cli("--csv", str(csv_file), "--org", school.org_id,
                                                          "--out", str(out)), timeout=20)
    assert_coded_refusal(run, codes={"file_error"})
    assert str(file) in run.stderr
    assert file.is_symlink() or not stat.S_ISREG(file.stat().st_mode)  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "rows.csv"]


# -- batch --offers: its QR folder and in-progress file ----------------------------------------------------------

def _offer(school: School, csv_file: Path, out: Path, **options: object):
    org = school.issuer.orgs.get(school.org_id)
    rows = read_csv(csv_file)
    plan = validate_rows(school.issuer, org, "mbo-diploma", rows, offers=True)
    return offer_rows(school.issuer, org, plan, rows=rows, out=out, **options)


def _offers_of(school: School, prefix: str) -> int:
    from sqlalchemy import func, select

    from skillspas.issuer.store.models import ClaimOffer

    with school.store.transaction() as session:
        return int(session.scalar(select(func.count(ClaimOffer.id)).where(ClaimOffer.row_key.like(f"%/{prefix}%"))))


@pytest.mark.parametrize("what", ["a link to a folder outside", "a file"])
def test_an_offers_qr_folder_that_is_a_link_out_of_the_folder_or_a_file_is_refused_before_any_offer_is_made(
        school, tmp_path, what):
    """The QR codes of the secret links were drawn into whatever folder ``OUT/qr`` linked to (here one others may
    read): nothing may be written out of the folder the links were given to."""
    prefix, out, elsewhere = _prefix(), tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir(mode=0o700)
    elsewhere.mkdir(mode=0o755)
    if what == "a file":
        (out / QR_FOLDER).write_bytes(b"")
    else:
        (out / QR_FOLDER).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OSError) as refused:
        _offer(school, diploma_rows_csv(tmp_path / "rows.csv", [prefix]), out, qr=True)
    assert refused.value.filename == str(out / QR_FOLDER)
    assert _offers_of(school, prefix) == 0 and not list(elsewhere.iterdir())


def test_the_command_refuses_an_offers_qr_folder_that_links_out_of_the_folder_in_dutch_and_english(school, tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir(mode=0o700)
    elsewhere.mkdir()
    (out / QR_FOLDER).symlink_to(elsewhere, target_is_directory=True)
    csv_file = diploma_rows_csv(tmp_path / "rows.csv", [_prefix()])
    run = run_cli("batch", "mbo-diploma", *school.cli("--csv", str(csv_file), "--org", school.org_id, "--offers",
                                                      "--qr", "--out", str(out)))
    assert_coded_refusal(run, codes={"file_error"})
    assert f"kan {out / QR_FOLDER} niet" in run.stderr and f"cannot use {out / QR_FOLDER}" in run.stderr
    assert not list(elsewhere.iterdir())


def test_an_in_progress_file_that_links_out_of_the_folder_is_refused_saying_it_is_a_link_not_followed(school, tmp_path):
    """The links would be appended to whatever file it points at; the refusal said 'too many levels of symbolic links'
    (O_NOFOLLOW's errno), of one link."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere.jsonl"
    out.mkdir(mode=0o700)
    elsewhere.write_bytes(b"")
    (out / IN_PROGRESS).symlink_to(elsewhere)
    csv_file = diploma_rows_csv(tmp_path / "rows.csv", [_prefix()])
    run = run_cli("batch", "mbo-diploma", *school.cli("--csv", str(csv_file), "--org", school.org_id, "--offers",
                                                      "--out", str(out)))
    assert_coded_refusal(run, codes={"file_error"})
    assert "het is een koppeling (link), die hier niet wordt gevolgd" in run.stderr
    assert "it is a link, which is not followed here" in run.stderr
    assert elsewhere.read_bytes() == b""


@pytest.mark.parametrize("what", ["an in-progress file", "an earlier offers.json"])
def test_an_earlier_offers_file_of_8_gib_is_not_read_and_the_links_of_the_other_file_still_count(
        school, tmp_path, what):
    prefix = _prefix()
    csv_file, out = diploma_rows_csv(tmp_path / "rows.csv", [prefix]), tmp_path / "out"
    first = _offer(school, csv_file, out)
    link = first.entries[0]["offerUrl"]
    if what == "an in-progress file":
        _huge(out / IN_PROGRESS)
    else:  # the link is then in the in-progress file alone (a run killed before it wrote its manifest)
        (out / IN_PROGRESS).write_text(json.dumps({"rowKey": f"MboDiploma/{prefix}", "offerUrl": link}) + "\n", "utf-8")
        _huge(out / MANIFEST_JSON)
    again = _offer(school, csv_file, out)
    assert [(e["state"], e["offerUrl"]) for e in again.entries] == [("open", link)]
    assert not (out / IN_PROGRESS).exists() and (out / MANIFEST_JSON).stat().st_size < 1 << 20


# -- the data folder: organisation key files, a keystore's history ------------------------------------------------

def _swap_in_another_key(key_file: Path) -> None:
    """Another valid key file under the same name, id and controller: what a restore of the wrong backup leaves."""
    document = json.loads(key_file.read_text("utf-8"))
    other = key_file.with_name("other.json")
    save(generate("ed25519"), other, controller=document["controller"], verification_method=document["id"])
    other.replace(key_file)


def test_an_organisation_key_file_swapped_for_another_key_is_refused_and_nothing_is_signed_with_it(school, tmp_path):
    """The batch signed with whatever key the file held and checked the proof against that same key: every credential
    it issued was one nobody could verify (invalid_signature against the organisation's DID document)."""
    key_file = school.key_file()
    kept = key_file.read_bytes()
    _swap_in_another_key(key_file)
    try:
        csv_file = diploma_rows_csv(tmp_path / "rows.csv", [_prefix()])
        run = run_cli("batch", "mbo-diploma", *school.cli("--csv", str(csv_file), "--org", school.org_id,
                                                          "--out", str(tmp_path / "out")))
    finally:
        key_file.write_bytes(kept)
        key_file.chmod(0o600)
    assert_coded_refusal(run, codes={"signer_failed"})
    assert "[invalid_key_file]" in run.stderr and school.org_id in run.stderr
    assert not list((tmp_path / "out").glob("*.json"))


def test_a_key_file_swapped_after_the_batch_checked_it_is_refused_by_the_worker_that_loads_it(tmp_path):
    """A worker loads the key file by its path when it starts signing, after the batch's own process checked it
    against the organisation's record: a swap in between signed with the other key."""
    key_file = tmp_path / "org-key.json"
    signer = save(generate("ed25519"), key_file, controller="did:web:roc.example",
                  verification_method="did:web:roc.example#key-1")
    _swap_in_another_key(key_file)
    job = SignJob(str(key_file), None, None, False, False, (signer.verification_method, signer.public_key.multibase))
    with pytest.raises(SkillspasError) as refused:
        sign_rows(job, [])
    assert refused.value.code is ErrorCode.INVALID_KEY_FILE and "did:web:roc.example#key-1" in refused.value.message


def _written(key: Path, data: bytes) -> None:
    key.write_bytes(data)
    key.chmod(0o600)


def _garbled(key: Path, kept: bytes, secret: str) -> None:
    _written(key, kept.replace(secret[-6:].encode(), b"0OIl0O"))  # characters base58 has not


def _readable_by_others(key: Path, kept: bytes, secret: str) -> None:
    key.write_bytes(kept)
    key.chmod(0o644)


KEY_DAMAGE: dict[str, tuple[Callable[[Path, bytes, str], None], str]] = {
    "a pipe": (lambda key, kept, secret: os.mkfifo(key), "invalid_key_file"),
    "a folder": (lambda key, kept, secret: key.mkdir(), "key_not_found"),  # as for --key FOLDER
    "a sparse file of 8 GiB": (lambda key, kept, secret: _huge(key), "invalid_key_file"),
    "cut short": (lambda key, kept, secret: _written(key, kept[:len(kept) - 40]), "invalid_key_file"),
    "its secret garbled": (_garbled, "invalid_key_file"),
    "readable by others": (_readable_by_others, "insecure_permissions"),
}


@pytest.mark.parametrize("damage", list(KEY_DAMAGE))
def test_an_organisation_key_file_that_is_damaged_is_a_keystore_code_and_no_refusal_shows_key_material(
        school, tmp_path, damage):
    key_file = school.key_file()
    kept = key_file.read_bytes()
    secret = json.loads(kept)["secretKeyMultibase"]
    key_file.unlink()
    make, code = KEY_DAMAGE[damage]
    make(key_file, kept, secret)
    try:
        csv_file = diploma_rows_csv(tmp_path / "rows.csv", [_prefix()])
        run = run_cli("batch", "mbo-diploma", *school.cli("--csv", str(csv_file), "--org", school.org_id,
                                                          "--out", str(tmp_path / "out")))
    finally:
        if key_file.is_dir():
            key_file.rmdir()
        else:
            key_file.unlink()
        key_file.write_bytes(kept)
        key_file.chmod(0o600)
    assert_coded_refusal(run, codes={"signer_failed"})
    assert f"[{code}]" in run.stderr, run.stderr
    shown = run.stdout + run.stderr
    assert all(secret[i:i + 8] not in shown for i in range(len(secret) - 8))


@pytest.mark.parametrize("what", ["a folder", "a pipe"])
def test_a_keystore_history_that_is_a_folder_or_a_pipe_is_refused_naming_the_file(tmp_path, what):
    """A folder in history.json's place was refused as 'cannot use 3' (the number of the file it had opened)."""
    keystore = Keystore.create(tmp_path / "ks", "did:web:roc.example", passphrase="readback-tests passphrase")
    history = tmp_path / "ks" / "history.json"
    history.unlink()
    if what == "a folder":
        history.mkdir()
    else:
        os.mkfifo(history)
    with pytest.raises(SkillspasError) as refused:
        keystore.history()
    assert refused.value.code in (ErrorCode.INVALID_KEY_FILE, ErrorCode.FILE_ERROR)
    assert str(history) in refused.value.text("nl") and str(history) in refused.value.text("en")
    run = run_cli("keys", "list", "--keystore", str(tmp_path / "ks"))
    assert_coded_refusal(run, codes={"invalid_key_file", "file_error"})
    assert str(history) in run.stderr


# -- the data folder: imported vocabularies and registers --------------------------------------------------------

@pytest.mark.parametrize("name", ["esco-nl.json.gz", "occupations_nl.csv.xz", "occupationSkillRelations.csv.xz"])
def test_an_imported_vocabulary_file_of_8_gib_is_refused_without_reading_it_whole(tmp_path, monkeypatch, name):
    (tmp_path / "home" / "vocab").mkdir(parents=True)
    _huge(tmp_path / "home" / "vocab" / name)
    monkeypatch.setenv("SKILLSPAS_CACHE_DIR", str(tmp_path / "cache"))
    run = run_bounded("vocab", "search", "kok", "--home", str(tmp_path / "home"))
    assert_coded_refusal(run, codes={"schema_invalid", "too_large", "file_error"})
    assert name in run.stderr


@pytest.mark.parametrize("name", ["esco-nl.json.gz", "occupations_nl.csv.xz"])
def test_an_imported_vocabulary_file_that_unpacks_to_gigabytes_is_refused_before_it_is_unpacked_whole(
        tmp_path, monkeypatch, name):
    """3 MiB on the disk, 3 GiB unpacked (48 members of 64 MiB of spaces, as gzip and xz both allow): it was unpacked
    whole before anything looked at its size."""
    import gzip
    import lzma

    member = gzip.compress(b" " * (64 << 20), mtime=0) if name.endswith(".gz") else lzma.compress(b" " * (64 << 20),
                                                                                                   preset=0)
    (tmp_path / "home" / "vocab").mkdir(parents=True)
    (tmp_path / "home" / "vocab" / name).write_bytes(member * 48)
    monkeypatch.setenv("SKILLSPAS_CACHE_DIR", str(tmp_path / "cache"))
    run = run_bounded("vocab", "search", "kok", "--home", str(tmp_path / "home"))
    assert_coded_refusal(run, codes={"schema_invalid", "too_large"})
    assert name in run.stderr


def test_an_imported_register_of_8_gib_is_refused_without_reading_it_whole(tmp_path):
    from skillspas.schemas.kwalificaties import REGISTER_FILE

    (tmp_path / "home" / "vocab").mkdir(parents=True)
    _huge(tmp_path / "home" / "vocab" / REGISTER_FILE)
    key = tmp_path / "key.json"
    assert run_cli("keys", "generate", "--type", "ed25519", "--out", str(key)).exit_code == 0
    example = Path(__file__).parents[2] / "examples" / "mbo-diploma" / "kok-anouk-testdata.json"
    run = run_bounded("issue", "mbo-diploma", "--data", str(example), "--key", str(key), "--home", str(tmp_path / "home"))
    assert_coded_refusal(run, codes={"schema_invalid", "too_large", "file_error"})
    assert REGISTER_FILE in run.stderr


# -- the passport folder ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["a pipe", "a sparse file of 8 GiB"])
def test_a_passport_credential_file_that_is_a_pipe_or_huge_is_refused_with_how_to_remove_it(tmp_path, what):
    """``passport list`` read each stored file whole: a pipe waited for ever, 8 GiB ran out of memory."""
    passport = tmp_path / "passport"
    passport.mkdir(mode=0o700)
    stored = passport / f"{'ab' * 32}.json"
    if what == "a pipe":
        os.mkfifo(stored)
    else:
        _huge(stored)
    run = run_bounded("passport", "list", "--passport", str(passport), timeout=20)
    assert_coded_refusal(run)
    assert "skillspas passport remove abababab" in run.stderr
    removed = run_bounded("passport", "remove", "ababab", "--passport", str(passport), timeout=20)
    assert removed.exit_code == 0, removed.stderr
    assert not stored.exists()


# -- the cache folder: the vocabulary index, the fast path's stored contexts --------------------------------------

def _index_name() -> str:
    return VocabIndex.open().path.name  # the shared cache's index (built once for the session)


def test_a_pipe_in_place_of_the_stored_fast_path_contexts_is_not_waited_for(tmp_path, monkeypatch):
    """Every ``skillspas verify`` opened the cache's ``fastcontext-*.json`` to read it and, a pipe, waited for ever."""
    key = tmp_path / "key.json"
    assert run_cli("keys", "generate", "--type", "ed25519", "--out", str(key)).exit_code == 0
    from skillspas.issuer.demo import sample_credential

    unsigned = sample_credential(json.loads(key.read_text("utf-8"))["controller"])
    del unsigned["issuer"]
    (tmp_path / "unsigned.json").write_text(json.dumps(unsigned), "utf-8")
    signed = run_cli("sign", str(tmp_path / "unsigned.json"), "--key", str(key))
    (tmp_path / "signed.json").write_text(signed.stdout, "utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copyfile(VocabIndex.open().path, cache / _index_name())  # not built again for this test
    monkeypatch.setenv("SKILLSPAS_CACHE_DIR", str(cache))
    did = json.loads(key.read_text("utf-8"))["controller"]
    first = run_bounded("verify", str(tmp_path / "signed.json"), "--trust-issuer", did)
    assert first.exit_code == 0, first.stderr
    [stored] = cache.glob("fastcontext-*.json")
    stored.unlink()
    os.mkfifo(stored)
    again = run_bounded("verify", str(tmp_path / "signed.json"), "--trust-issuer", did, timeout=20)
    assert again.exit_code == 0, again.stderr
    assert stat.S_ISFIFO(os.lstat(stored).st_mode)


INDEX_DAMAGE: dict[str, Callable[[Path, Path, Path], None]] = {
    "garbage": lambda index, good, elsewhere: index.write_bytes(os.urandom(100_000)),
    "cut short": lambda index, good, elsewhere: index.write_bytes(good.read_bytes()[:1_000_000]),
    "empty": lambda index, good, elsewhere: index.write_bytes(b""),
    "a link out of the folder": lambda index, good, elsewhere: index.symlink_to(elsewhere),
}


@pytest.mark.parametrize("damage", list(INDEX_DAMAGE))
def test_a_damaged_vocabulary_index_in_the_cache_is_built_again_not_a_crash(tmp_path, damage):
    """sqlite3's DatabaseError reached the command line as '[internal]' ('file is not a database')."""
    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere.sqlite"
    cache.mkdir()
    elsewhere.write_bytes(b"")
    index = cache / _index_name()
    INDEX_DAMAGE[damage](index, VocabIndex.open().path, elsewhere)
    opened = VocabIndex.open(cache=cache)
    try:
        assert opened.search("samenwerken", limit=1)
    finally:
        opened.close()
    assert not index.is_symlink() and stat.S_ISREG(index.stat().st_mode)
    assert elsewhere.read_bytes() == b""


def test_a_folder_in_the_vocabulary_indexs_place_is_refused_naming_it(tmp_path):
    cache = tmp_path / "cache"
    (cache / _index_name()).mkdir(parents=True)
    with pytest.raises(SkillspasError) as refused:
        VocabIndex.open(cache=cache)
    assert refused.value.code is ErrorCode.FILE_ERROR and str(cache / _index_name()) in refused.value.text("nl")
