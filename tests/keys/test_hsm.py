"""PKCS#11 signing against a real SoftHSM2 token: the key stays on the token, the signature verifies."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from softhsm import SoftHsmToken, init_token, write_hsm_signed_credential  # noqa: E402

from skillspas.issuer import sign  # noqa: E402
from skillspas.issuer.demo import sample_credential  # noqa: E402
from skillspas.keys import StaticResolver  # noqa: E402
from skillspas.keys.hsm import Pkcs11Signer, parse_pkcs11_uri, pkcs11_uri, token_supports_ed25519  # noqa: E402
from skillspas.keys.keyfile import Keystore, Pkcs11Token  # noqa: E402
from skillspas.schemas.errors import ErrorCode, SkillspasError  # noqa: E402
from skillspas.verifier import Verifier, verify  # noqa: E402
from skillspas.verifier.suites import suite_for_signing  # noqa: E402


@pytest.fixture(scope="session")
def token(tmp_path_factory) -> SoftHsmToken:
    return init_token(tmp_path_factory.mktemp("softhsm"))


def _signer(token: SoftHsmToken, label: str, kind: str) -> Pkcs11Signer:
    return Pkcs11Signer.generate(module=token.module, token_label=token.label, key_label=label, pin=token.pin, kind=kind)


def test_softhsm2_offers_ed25519_so_auto_picks_it(token):
    assert token_supports_ed25519(token.module, token.label)
    with _signer(token, "auto-key", "auto") as signer:
        assert signer.algorithm == "Ed25519"
        assert signer.controller.startswith("did:key:z6Mk")


def test_credential_signed_with_a_softhsm_ed25519_key_verifies_and_can_be_reused(token, tmp_path):
    path = write_hsm_signed_credential(tmp_path / "hsm-ed25519.json", token, key_label="interop-ed25519")
    signed = json.loads(path.read_text())
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    result = verify(signed, trusted_issuers=[signed["issuer"]["id"]])
    assert result.verified, result.first_error
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] += "!"
    assert verify(tampered, trusted_issuers=[signed["issuer"]["id"]]).first_error.code is ErrorCode.INVALID_SIGNATURE


def test_credential_signed_with_a_softhsm_p256_key_uses_ecdsa_rdfc_2019(token, tmp_path):
    path = write_hsm_signed_credential(tmp_path / "hsm-p256.json", token, kind="p256", key_label="interop-p256")
    signed = json.loads(path.read_text())
    assert signed["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert signed["issuer"]["id"].startswith("did:key:zDn")
    assert verify(signed, trusted_issuers=[signed["issuer"]["id"]]).verified


def test_token_private_key_is_sensitive_and_not_extractable(token):
    import pkcs11

    with _signer(token, "guarded", "ed25519"):
        pass
    lib = pkcs11.lib(token.module)
    with lib.get_token(token_label=token.label).open(user_pin=token.pin) as session:
        key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label="guarded")
        assert key[pkcs11.Attribute.SENSITIVE] is True
        assert key[pkcs11.Attribute.EXTRACTABLE] is False
        with pytest.raises(pkcs11.exceptions.PKCS11Error):
            key[pkcs11.Attribute.VALUE]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({"pin": "000000"}, ErrorCode.WRONG_PASSPHRASE, id="wrong PIN"),
        pytest.param({"key_label": "no-such-key"}, ErrorCode.KEY_NOT_FOUND, id="unknown key"),
        pytest.param({"token_label": "no-such-token"}, ErrorCode.KEY_NOT_FOUND, id="unknown token"),
        pytest.param({"module": "/nonexistent/libpkcs11.so"}, ErrorCode.KEY_NOT_FOUND, id="no module"),
    ],
)
def test_token_problems_are_coded_errors_without_the_pin(token, changes, code):
    label = f"present-{next(iter(changes))}"
    with _signer(token, label, "ed25519"):
        pass
    options = {"module": token.module, "token_label": token.label, "key_label": label, "pin": token.pin, **changes}
    with pytest.raises(SkillspasError) as info:
        Pkcs11Signer(**options)
    assert info.value.code is code
    assert token.pin not in str(info.value)


def test_a_token_that_is_not_there_is_key_not_found_in_dutch_and_english_when_keys_rotate_picks_the_key_type(token, tmp_path):
    """``keys rotate --pkcs11-module M --token-label T`` asks the token which key type it offers first: a label with no
    token crashed there ("error [internal]: NoSuchToken"), before the signer's own coded error."""
    from typer.testing import CliRunner

    from skillspas.keys.cli import app

    runner = CliRunner()
    ks = str(tmp_path / "ks")
    env = {"KS_PASS": "pw", "TOKEN_PIN": token.pin}
    assert runner.invoke(app, ["generate", "--keystore", ks, "--did", "did:web:no-token.example",
                               "--passphrase-env", "KS_PASS"], env=env).exit_code == 0
    rotated = runner.invoke(app, ["rotate", "--keystore", ks, "--pkcs11-module", token.module, "--token-label",
                                  "no-such-token", "--pin-env", "TOKEN_PIN"], env=env)
    assert rotated.exit_code == 2, rotated.output
    assert "fout [key_not_found]: " in rotated.output and "'no-such-token'" in rotated.output.split("error [")[0]
    with pytest.raises(SkillspasError) as info:
        token_supports_ed25519(token.module, "no-such-token")
    assert info.value.code is ErrorCode.KEY_NOT_FOUND and info.value.message_nl


def test_signer_repr_names_the_key_not_the_pin(token):
    with _signer(token, "repr-key", "p256") as signer:
        assert token.pin not in repr(signer) and "pkcs11:token=skillspas-test;object=repr-key" in repr(signer)
    assert parse_pkcs11_uri(pkcs11_uri("tok en", "a;b=c")) == ("tok en", "a;b=c")


def test_keystore_rotates_onto_the_hsm_and_old_and_new_credentials_verify(token, tmp_path):
    did = "did:web:roc-hsm.example"
    store = Keystore.create(tmp_path / "ks", did, passphrase="pw for key-1")
    old = sign_with_document(sample_credential(did), store.signer("pw for key-1"), store.did_document())
    on_token = Pkcs11Token(token.module, token.label, token.pin)
    record = store.rotate(token=on_token, kind="auto")
    assert record.location.startswith("pkcs11:") and record.algorithm == "Ed25519"
    signer = store.signer(token=on_token)
    assert isinstance(signer, Pkcs11Signer) and signer.verification_method == f"{did}#key-2"
    new = sign_with_document(sample_credential(did), signer, store.did_document())
    signer.close()
    verifier = Verifier(resolver=StaticResolver({did: store.did_document()}), trusted_issuers=[did])
    assert verifier.verify(old).verified and verifier.verify(new).verified
    with pytest.raises(SkillspasError) as info:
        store.signer()  # an HSM key needs the token and PIN
    assert info.value.code is ErrorCode.KEY_NOT_FOUND


def sign_with_document(credential, signer, document):
    """Sign a did:web credential and check it against the issuer's own DID document."""
    verifier = Verifier(resolver=StaticResolver({document["id"]: document}))
    options = {
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": signer.verification_method,
        "proofPurpose": "assertionMethod",
    }
    suite = "eddsa-rdfc-2022" if signer.algorithm == "Ed25519" else "ecdsa-rdfc-2019"
    proof = suite_for_signing(suite).create_proof(credential, signer, options, verifier.processor)
    signed = {**credential, "proof": proof}
    assert verifier.check_proofs(signed).verified
    return signed


def test_issuer_sign_accepts_an_hsm_signer(token):
    with _signer(token, "issuer-sign", "auto") as signer:
        signed = sign(sample_credential(signer.controller), signer)
    assert verify(signed, trusted_issuers=[signer.controller]).verified


def test_two_signers_share_the_token_login_and_closing_one_keeps_the_other_working(token):
    first, second = _signer(token, "shared-a", "ed25519"), _signer(token, "shared-b", "p256")
    first.close()
    signature = second.sign(b"data")
    second.public_key.verify(signature, b"data")
    second.close()
    with pytest.raises(SkillspasError) as info:
        second.sign(b"data")  # closed: the token is logged out
    assert info.value.code is ErrorCode.SIGNER_FAILED


def test_keys_rotate_onto_the_hsm_from_the_command_line(token, tmp_path):
    from typer.testing import CliRunner

    from skillspas.keys.cli import app

    runner = CliRunner()
    ks = str(tmp_path / "ks")
    env = {"KS_PASS": "pw", "TOKEN_PIN": token.pin}
    made = runner.invoke(app, ["generate", "--keystore", ks, "--did", "did:web:cli-hsm.example", "--passphrase-env", "KS_PASS"], env=env)
    assert made.exit_code == 0, made.output
    rotated = runner.invoke(
        app,
        ["rotate", "--keystore", ks, "--pkcs11-module", token.module, "--token-label", token.label, "--pin-env", "TOKEN_PIN"],
        env=env,
    )
    assert rotated.exit_code == 0, rotated.output
    record = json.loads(rotated.stdout)
    assert record["location"] == f"pkcs11:token={token.label};object=did%3Aweb%3Acli-hsm.example%23key-2"
    assert token.pin not in rotated.output
    wrong = runner.invoke(
        app,
        ["rotate", "--keystore", ks, "--pkcs11-module", token.module, "--token-label", token.label, "--pin-env", "TOKEN_PIN"],
        env={**env, "TOKEN_PIN": "999999"},
    )
    assert wrong.exit_code == 2 and "wrong_passphrase" in wrong.output


def test_threads_opening_signers_while_others_sign_do_not_break_the_token(token):
    import concurrent.futures

    with _signer(token, "threads-key", "ed25519") as first:
        uri_label = parse_pkcs11_uri(first.uri)[1]

        def work(n: int) -> bool:
            if n % 8 == 0:  # some threads make keys meanwhile ("auto" asks the token what it supports)
                with _signer(token, f"threads-new-{n}", "auto") as made:
                    made.public_key.verify(made.sign(b"x"), b"x")
            with Pkcs11Signer(module=token.module, token_label=token.label, key_label=uri_label, pin=token.pin) as signer:
                data = f"bericht {n}".encode()
                for _ in range(10):
                    signer.public_key.verify(signer.sign(data), data)
                    first.public_key.verify(first.sign(data), data)
            return True

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            assert all(pool.map(work, range(32)))


def test_a_new_key_under_a_label_the_token_already_holds_is_key_exists_in_dutch_too(token):
    with _signer(token, "taken-label", "ed25519"):
        with pytest.raises(SkillspasError) as info:
            _signer(token, "taken-label", "ed25519")
    assert info.value.code is ErrorCode.KEY_EXISTS
    assert "het token heeft al een sleutel met het label 'taken-label'" in info.value.text("nl")
