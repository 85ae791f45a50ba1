"""Generated OB 3.0 credentials and presentations: the fast path equals pyld, or refuses.

Hypothesis builds credentials of the Open Badges 3.0 shape (random names in any script, quotes,
backslashes and control characters; random skills, alignments, results with lists, nesting,
numbers, booleans, language-tagged values, blank nodes; proof sets and chains; presentations with
embedded credentials), then breaks some of them the ways real input breaks (undefined terms and
types, keyword-like keys, relative IRIs, inline contexts, nested arrays, null values). Every one
goes through the differential oracle of test_fastpath.py. The number of examples is bounded so
``make test`` stays fast.
"""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillspas.schemas.jsonld.contexts import VC_V2
from skillspas.schemas.jsonld.processor import DocumentProcessor
from test_fastpath import check_against_reference

OB3 = ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
       "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json")
DI = "https://w3id.org/security/data-integrity/v2"
PROCESSOR = DocumentProcessor()
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
word = st.text(string.ascii_letters + string.digits, min_size=1, max_size=10)
iri = st.one_of(
    st.uuids().map(lambda u: f"urn:uuid:{u}"),
    word.map(lambda w: f"https://example.org/{w}"),
    word.map(lambda w: f"did:example:{w}"),
    st.sampled_from(["http://data.europa.eu/esco/skill/24f980ba-b44f-4739-b563-205104c3190d",
                     "https://example.org/path/with%20escape?q=1#frag"]),
)
blank = word.map(lambda w: f"_:{w}")
node_id = st.one_of(iri, blank)
timestamp = st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat() + "Z")
number = st.one_of(st.integers(-(2**53) + 1, 2**53 - 1), st.floats(allow_nan=False, allow_infinity=False, width=64))
one_or_list = lambda s: st.one_of(s, st.lists(s, min_size=1, max_size=3))  # noqa: E731
described = st.one_of(text, st.fixed_dictionaries({"@value": text, "@language": st.sampled_from(["nl", "en-GB", "NL"])}))

alignment = st.fixed_dictionaries(
    {"type": st.sampled_from(["Alignment", ["Alignment"]]), "targetName": text, "targetUrl": iri},
    optional={"targetType": st.sampled_from(["ext:ESCOAlignment", "CFItem", "ceterms:Credential"]),
              "targetFramework": text, "targetCode": text, "targetDescription": described, "id": node_id},
)
result_description = st.fixed_dictionaries(
    {"id": iri, "type": st.just(["ResultDescription"]), "name": text,
     "resultType": st.sampled_from(["GradePointAverage", "LetterGrade", "Percent", "ext:Niveau"])},
    optional={"allowedValue": st.lists(text, max_size=4), "requiredValue": text, "valueMax": text},
)
criteria = st.one_of(st.fixed_dictionaries({"narrative": text}), st.fixed_dictionaries({"id": iri}),
                     st.fixed_dictionaries({"id": iri, "narrative": text}))
achievement = st.fixed_dictionaries(
    {"id": iri, "type": st.sampled_from([["Achievement"], "Achievement"]), "name": text, "criteria": criteria},
    optional={"description": described, "alignment": st.lists(alignment, max_size=6),
              "achievementType": st.sampled_from(["Diploma", "Certificate", "ext:Praktijkverklaring"]),
              "creditsAvailable": number, "tag": st.lists(text, max_size=3), "humanCode": text,
              "fieldOfStudy": text, "resultDescription": st.lists(result_description, max_size=2),
              "image": st.fixed_dictionaries({"id": iri, "type": st.just("Image")}, optional={"caption": text})},
)
identity = st.fixed_dictionaries({"type": st.just("IdentityObject"), "identityType": st.sampled_from(["name", "emailAddress"]),
                                  "hashed": st.booleans(), "identityHash": text})
result = st.fixed_dictionaries({"type": st.just(["Result"]), "resultDescription": iri}, optional={"value": text, "status": st.just("Completed")})
subject = st.fixed_dictionaries(
    {"type": st.sampled_from([["AchievementSubject"], "AchievementSubject"]), "achievement": achievement},
    optional={"id": iri, "identifier": st.lists(identity, max_size=2), "result": st.lists(result, max_size=2),
              "creditsEarned": number, "name": text, "activityEndDate": timestamp},
)
issuer = st.one_of(iri, st.fixed_dictionaries({"id": iri, "type": st.just(["Profile"]), "name": text},
                                              optional={"url": iri, "email": word.map(lambda w: f"{w}@example.org")}))
proof = st.fixed_dictionaries(
    {"type": st.just("DataIntegrityProof"), "cryptosuite": st.sampled_from(["eddsa-rdfc-2022", "ecdsa-rdfc-2019"]),
     "created": timestamp, "verificationMethod": word.map(lambda w: f"did:key:z6Mk{w}#z6Mk{w}"),
     "proofPurpose": st.sampled_from(["assertionMethod", "authentication"]),
     "proofValue": word.map(lambda w: f"z{w}")},
    optional={"id": iri, "previousProof": one_or_list(iri), "challenge": text, "domain": one_or_list(text),
              "expires": timestamp, "nonce": text},
)


@st.composite
def credentials(draw: Any) -> dict[str, Any]:
    """An OB 3.0 credential, sometimes with a proof set or chain."""
    document: dict[str, Any] = {
        "@context": [VC_V2, draw(st.sampled_from(OB3))],
        "type": ["VerifiableCredential", draw(st.sampled_from(["OpenBadgeCredential", "AchievementCredential"]))],
        "issuer": draw(issuer),
        "validFrom": draw(timestamp),
        "name": draw(text),
        "credentialSubject": draw(one_or_list(subject)) if draw(st.booleans()) else draw(subject),
    }
    if draw(st.booleans()):
        document["id"] = draw(iri)
    if draw(st.booleans()):
        document["description"] = draw(described)
    if draw(st.booleans()):
        document["validUntil"] = draw(timestamp)
    if draw(st.booleans()):
        document["proof"] = draw(one_or_list(proof))
    return document


@st.composite
def presentations(draw: Any) -> dict[str, Any]:
    """A presentation embedding credentials (each under its own contexts), maybe holder-signed."""
    document: dict[str, Any] = {
        "@context": [VC_V2] + ([DI] if draw(st.booleans()) else []),
        "type": draw(st.sampled_from(["VerifiablePresentation", ["VerifiablePresentation"]])),
        "verifiableCredential": draw(st.lists(credentials(), min_size=1, max_size=3)),
    }
    if draw(st.booleans()):
        document["holder"] = draw(iri)
    if draw(st.booleans()):
        document["proof"] = draw(proof)
    return document


def _objects(node: Any) -> list[dict[str, Any]]:
    """Every JSON object inside ``node`` (the places a mutation can go)."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append(current)
            stack.extend(v for k, v in current.items() if k != "@context")
        elif isinstance(current, list):
            stack.extend(current)
    return found


MUTATIONS = {
    "undefined term": lambda o, w: o.__setitem__(f"undefined{w}", "x"),
    "undefined type": lambda o, w: o.__setitem__("type", [f"Undefined{w}"]),
    "keyword-like key": lambda o, w: o.__setitem__(f"@{w}", "x"),
    "relative id": lambda o, w: o.__setitem__("id", f"relative/{w}"),
    "inline context": lambda o, w: o.__setitem__("@context", {w: "https://example.org/" + w}),
    "nested array": lambda o, w: o.__setitem__("name", [["a", w]]),
    "null value": lambda o, w: o.__setitem__("name", None),
    "empty list": lambda o, w: o.__setitem__("tag", []),
    "absolute IRI key": lambda o, w: o.__setitem__(f"https://example.org/{w}", w),
    "value object": lambda o, w: o.__setitem__("name", {"@value": w, "@type": "https://example.org/dt"}),
    "bundled context URL": lambda o, w: o.__setitem__("@context", DI),
    "unknown context URL": lambda o, w: o.__setitem__("@context", f"https://example.org/ctx/{w}"),
    "list value in a list container": lambda o, w: o.__setitem__("allowedValue", [w, w]),
}


@st.composite
def mutated(draw: Any) -> dict[str, Any]:
    """A credential or presentation with one to three of the mutations above."""
    document = copy.deepcopy(draw(st.one_of(credentials(), presentations())))
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(_objects(document)))
        name = draw(st.sampled_from(sorted(MUTATIONS)))
        MUTATIONS[name](target, draw(word))
    return document


@SETTINGS
@given(credentials())
def test_generated_credentials_equal_pyld(document):
    assert check_against_reference(PROCESSOR.fast_path, document, PROCESSOR.loader), "refused a plain OB 3.0 credential"


@SETTINGS
@given(presentations())
def test_generated_presentations_equal_pyld(document):
    assert check_against_reference(PROCESSOR.fast_path, document, PROCESSOR.loader), "refused a plain presentation"


@SETTINGS
@given(mutated())
def test_broken_documents_equal_pyld_or_are_refused(document):
    check_against_reference(PROCESSOR.fast_path, document, PROCESSOR.loader)
