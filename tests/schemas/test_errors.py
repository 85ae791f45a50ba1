"""One error tree: every code carries its kind (exit code, HTTP status), has nl/en text, and a coded
error crosses process boundaries unchanged (batch workers raise them in another process). A value from
outside goes into a message through ``shown``: cut, visibly."""

from __future__ import annotations

import inspect
import pickle

import pytest

from skillspas.schemas import errors
from skillspas.schemas.errors import (
    ErrorCode,
    ErrorKind,
    ServiceRefused,
    SkillspasError,
    error_for,
    localized_error,
    shown,
)
from skillspas.schemas.messages import MESSAGES


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_coded_error_pickles_as_itself(code):
    error = error_for(code, "what went wrong", "/credentialSubject/name")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert (again.code, again.message, again.path, str(again)) == (error.code, error.message, error.path, str(error))


def test_a_localized_error_keeps_both_languages_through_pickle():
    error = localized_error(ErrorCode.SCHEMA_INVALID, nl="Het veld ontbreekt.", en="The field is missing.", path="/x")
    again = pickle.loads(pickle.dumps(error))
    assert again.text("nl") == "Het veld ontbreekt." and again.text("en") == "The field is missing."


def test_a_service_refusal_is_a_coded_error_of_the_one_tree_and_pickles_as_itself():
    problem = error_for(ErrorCode.NOT_FOUND, "no organisation 'x'", "/org")
    again = pickle.loads(pickle.dumps(problem))
    assert isinstance(again, ServiceRefused) and isinstance(again, SkillspasError)
    assert (again.code, again.message, again.path, again.http_status) == (problem.code, problem.message, problem.path, 404)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_a_kind_and_dutch_and_english_text(code):
    assert isinstance(code.kind, ErrorKind)
    assert code.exit_code in (1, 2) and 400 <= code.http_status < 600
    assert set(MESSAGES[code]) == {"nl", "en"} and all(MESSAGES[code].values())
    assert isinstance(error_for(code), SkillspasError)


def test_a_code_declared_without_a_kind_fails_at_import():
    source = inspect.getsource(errors)
    declared = '    MALFORMED_JSON = "malformed_json", ErrorKind.UNUSABLE\n'
    assert declared in source
    exec(compile(source, "errors.py", "exec"), {"__name__": "probe"})  # as it is: imports
    with pytest.raises(TypeError):
        exec(compile(source.replace(declared, declared + '    NEW_CODE = "new_code"\n'), "errors.py", "exec"),
             {"__name__": "probe"})


def test_the_exit_code_and_http_status_follow_the_kind():
    assert (ErrorCode.REVOKED.exit_code, ErrorCode.REVOKED.http_status) == (1, 422)
    assert (ErrorCode.MALFORMED_JSON.exit_code, ErrorCode.MALFORMED_JSON.http_status) == (2, 400)
    assert (ErrorCode.WRONG_PASSPHRASE.exit_code, ErrorCode.WRONG_PASSPHRASE.http_status) == (2, 503)
    assert (ErrorCode.BATCH_INVALID.exit_code, ErrorCode.BATCH_INVALID.http_status) == (1, 400)
    statuses = {code.value: code.http_status for code in ErrorCode if code.kind is ErrorKind.SERVICE}
    assert statuses == {
        "unauthorized": 401, "forbidden": 403, "type_not_allowed": 403, "not_found": 404, "duplicate_id": 400,
        "invalid_status_change": 400, "no_status": 400, "public_url_required": 500, "ambiguous": 400,
        "request_timeout": 408, "method_not_allowed": 405, "misdirected_request": 421, "startup_failed": 500,
        "database_unavailable": 503,
        "offer_used": 409, "offer_expired": 410, "did_method_unsupported": 400,
    }


def test_a_status_list_a_merge_refuses_and_a_did_document_it_keeps_are_exit_2_codes_with_dutch_and_english_text():
    for code in (ErrorCode.STATUS_LIST_REFUSED, ErrorCode.DID_DOCUMENT_KEPT):
        assert code.kind is ErrorKind.UNUSABLE and (code.exit_code, code.http_status) == (2, 400)
    assert "niets samengevoegd" in MESSAGES[ErrorCode.STATUS_LIST_REFUSED]["nl"]
    assert "--replace-did-documents" in MESSAGES[ErrorCode.DID_DOCUMENT_KEPT]["en"]


def test_an_error_without_its_own_message_says_the_codes_text_in_both_languages():
    error = error_for(ErrorCode.OFFER_EXPIRED)
    assert error.message == MESSAGES[ErrorCode.OFFER_EXPIRED]["en"]
    assert error.text("nl") == MESSAGES[ErrorCode.OFFER_EXPIRED]["nl"]


def test_a_long_value_is_shown_cut_to_its_limit_with_an_ellipsis():
    assert shown("x" * 500) == "x" * 100 + "…"
    assert shown("did:web:" + "a" * 300, 20) == "did:web:aaaaaaaaaaaa…"


def test_a_value_within_its_limit_is_shown_unchanged():
    assert shown("did:web:roc.example") == "did:web:roc.example"
    assert shown("x" * 40, 40) == "x" * 40


def test_a_value_that_is_not_a_string_is_shown_as_its_repr_cut_alike():
    assert (shown(None), shown(3), shown(["a"]), shown({"@id": 1})) == ("None", "3", "['a']", "{'@id': 1}")
    assert shown(list(range(100)), 10) == "[0, 1, 2, …"


def test_a_quoted_value_is_a_string_in_quotes_with_the_ellipsis_inside_and_anything_else_its_repr():
    assert shown("term", quoted=True) == "'term'"
    assert shown("a\x1b[2Jb" + "c" * 200, quoted=True) == "'a\\x1b[2Jb" + "c" * 94 + "…'"  # escaped: no terminal control
    assert (shown(3, quoted=True), shown(None, quoted=True)) == ("3", "None")  # not '3': a number is no text
