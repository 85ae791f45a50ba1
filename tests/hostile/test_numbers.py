"""Numbers Python's ``int()`` will not convert (over 4,300 digits) and numbers too long to be a
double are ``malformed_json`` everywhere JSON is read: the strict reader, ``verify()``, the CLI, HTTP."""

from __future__ import annotations

import pytest

from hostilekit import assert_coded_refusal, run_cli
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonio import parse_json
from skillspas.verifier import verify

HUGE_INT = "1" * 5000
NUMBERS = [
    pytest.param(HUGE_INT, id="5000-digit integer"),
    pytest.param("-" + HUGE_INT, id="5000-digit negative integer"),
    pytest.param("1" * 4301, id="4301-digit integer"),
    pytest.param("1" * 17, id="17-digit integer"),
    pytest.param("0." + "1" * 5000, id="5000-digit fraction"),
    pytest.param("1" * 5000 + ".5", id="5000-digit float"),
    pytest.param("1e999999", id="exponent to infinity"),
    pytest.param("1." + "0" * 400 + "e5", id="400 zeros in the mantissa"),
]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_strict_reader_refuses_a_number_too_long_to_read_the_same_everywhere(number):
    with pytest.raises(SkillspasError) as caught:
        parse_json('{"n": %s}' % number)
    assert caught.value.code is ErrorCode.MALFORMED_JSON


@pytest.mark.parametrize("number", ["0", "-0", str(2**53 - 1), str(-(2**53 - 1)), "1.5e300", "0.1", "-2.5E-7"])
def test_the_strict_reader_still_reads_ordinary_numbers(number):
    assert parse_json('{"n": %s}' % number)["n"] == (int(number) if number.lstrip("-").isdigit() else float(number))


def test_verify_returns_malformed_json_for_a_huge_integer():
    result = verify('{"@context": ["https://www.w3.org/ns/credentials/v2"], "n": %s}' % HUGE_INT)
    assert not result.verified and result.first_error.code is ErrorCode.MALFORMED_JSON


def test_the_verify_command_exits_2_with_malformed_json_for_a_huge_integer():
    document = ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "n": %s}' % HUGE_INT).encode()
    assert_coded_refusal(run_cli("verify", "-", stdin=document), codes={"malformed_json"})
    assert_coded_refusal(run_cli("verify", "-", "--json", stdin=document), codes={"malformed_json"})


JSON_ROUTES = ["/credentials/issue", "/credentials/cosign", "/credentials/verify", "/presentations/verify",
               "/credentials/status", "/credentials/batch"]


@pytest.mark.parametrize("with_key", [False, True], ids=["without API key", "with API key"])
@pytest.mark.parametrize("route", JSON_ROUTES)
def test_every_json_route_answers_400_malformed_json_for_a_huge_integer(service, route, with_key):
    headers = {"Content-Type": "application/json", **(service.auth() if with_key else {})}
    response = service.client.post(route, content='{"credential": {"n": %s}}' % HUGE_INT, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "malformed_json"
