"""Coded errors cross process boundaries unchanged (batch workers raise them in another process)."""

from __future__ import annotations

import pickle

import pytest

from skillspas.issuer.problems import ProblemCode, ServiceProblem
from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.schemas.type_schemas import localized_error, localized_text


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_coded_error_pickles_as_itself(code):
    error = error_for(code, "what went wrong", "/credentialSubject/name")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert (again.code, again.message, again.path, str(again)) == (error.code, error.message, error.path, str(error))


def test_a_localized_error_keeps_both_languages_through_pickle():
    error = localized_error(ErrorCode.SCHEMA_INVALID, nl="Het veld ontbreekt.", en="The field is missing.", path="/x")
    again = pickle.loads(pickle.dumps(error))
    assert localized_text(again, "nl") == "Het veld ontbreekt." and localized_text(again, "en") == "The field is missing."


def test_a_service_problem_pickles_as_itself():
    problem = ServiceProblem(ProblemCode.NOT_FOUND, "no organisation 'x'", "/org")
    again = pickle.loads(pickle.dumps(problem))
    assert (again.code, again.message, again.path, again.http_status) == (problem.code, problem.message, problem.path, 404)
