"""The import layers of DESIGN.md: schemas <- keys <- verifier <- wallet_export <- issuer.

Walks the AST of every module: no upward import, no bare (non-``skillspas.``) import of our own
packages, no HTTP client below ``issuer`` (but for ``passport claim``; and ``socket`` only to listen, in
``verifier/page/listen.py``), and the package list in pyproject.toml matches the folders.
"""

from __future__ import annotations

import ast
import builtins
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["schemas", "keys", "verifier", "wallet_export", "issuer"]
HTTP_CLIENTS = {"requests", "httpx", "urllib.request", "aiohttp", "urllib3", "http.client", "socket"}
NETWORK_MODULES = {ROOT / "wallet_export" / "claim.py"}
"""The one place below ``issuer`` that talks to a network: ``passport claim`` fetching the issuer's exchange URL."""
LISTENING_MODULES = {ROOT / "verifier" / "page" / "listen.py"}
"""The one place below ``issuer`` that imports ``socket`` to listen (``serve`` and ``verifier`` bind their port there);
it never connects (``test_the_listening_module_never_connects``)."""


def _modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def _imports(path: Path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("package, path", list(_modules()), ids=lambda v: str(v).rsplit("/main/", 1)[-1])
def test_imports_only_go_down_the_layers(package, path):
    rank = LAYERS.index(package)
    for name in _imports(path):
        top = name.split(".")[0]
        assert top not in LAYERS, f"bare import {name!r}: use skillspas.{name}"
        if name.startswith("skillspas."):
            target = name.split(".")[1]
            if target in LAYERS:
                assert LAYERS.index(target) <= rank, f"{package} must not import {target} ({name})"
        if package != "issuer" and path not in NETWORK_MODULES:
            clients = HTTP_CLIENTS - {"socket"} if path in LISTENING_MODULES else HTTP_CLIENTS
            assert not any(name == c or name.startswith(c + ".") for c in clients), (
                f"{package} imports the network client {name}"
            )


@pytest.mark.parametrize("path", sorted(LISTENING_MODULES), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_listening_module_never_connects(path):
    used = {node.attr for node in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(node, ast.Attribute)}
    assert not used & {"connect", "connect_ex", "create_connection", "sendto", "sendall", "send", "getaddrinfo"}, used
    assert {"bind"} <= used


def test_pyproject_packages_match_the_folders():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    declared = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        "skillspas." + str(init.parent.relative_to(ROOT)).replace("/", ".")
        for package in LAYERS
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert on_disk <= declared
    package_data = config["tool"]["setuptools"]["package-data"]
    for name in declared - on_disk:  # data folders, listed (namespace packages) so setuptools ships them quietly
        assert (ROOT / name.removeprefix("skillspas.").replace(".", "/")).is_dir(), name
        assert name in package_data, f"{name} is listed as a package but ships no files"
    mapping = config["tool"]["setuptools"]["package-dir"]
    assert {k: v for k, v in mapping.items()} == {f"skillspas.{p}": p for p in LAYERS}


SQL_RUNNERS = {"execute", "exec_driver_sql", "scalar", "scalars"}
"""The session and connection methods that run a statement (``session.get``/``add`` of a model are not SQL)."""


@pytest.mark.parametrize("path", [p for p in sorted((ROOT / "issuer").rglob("*.py"))
                                  if (ROOT / "issuer" / "store") not in p.parents],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_is_written_only_inside_the_issuers_store(path):
    # One place for the database: issuer/store/ (the issuance lifecycle, named queries, models, migrations).
    # No SQLAlchemy import (so no select/insert/update/delete/text builders) and no statement run here.
    for name in _imports(path):
        assert name.split(".")[0] != "sqlalchemy", f"{path.name} imports {name}: put the query in issuer/store/"
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in SQL_RUNNERS, (
                f"{path.name}:{node.lineno} runs a statement (.{node.func.attr}): SQL belongs in issuer/store/")


def test_verifier_import_stays_light():
    import subprocess
    import sys

    # (pyld itself imports requests when it is installed; our code never uses it: the AST test above
    # refuses HTTP clients, and tests/verifier/test_error_codes.py audits that no socket is opened)
    heavy = "('fastapi', 'sqlalchemy', 'qrcode', 'segno', 'fpdf', 'zxingcpp', 'PIL', 'httpx', 'uvicorn')"
    code = f"import sys, skillspas.verifier; print(' '.join(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


# The browser build (issue 19, skillspas.verifier.browser_build) runs the verify path in Pyodide, which has
# no compiled package but its own: each compiled package the verify path loads needs a pure stand-in
# in verifier/browser/shims, named in BROWSER_FALLBACKS. The private extension modules of those
# packages (cffi's backend, the libsodium and OpenSSL bindings, Cython's runtime) come with them.
_EXTENSION_HELPERS = ("_cffi_backend", "_sodium", "_openssl", "_rust", "_cython_", "cython_runtime")
_VERIFY_PATH_PROBE = """
import importlib.machinery, json, sys
from skillspas.verifier.run import verify_to_text
for issuer, text in json.load(sys.stdin):
    verify_to_text(text.encode(), trusted_issuers=[issuer], now="2030-01-01T00:00:00Z")
compiled = {name for name, module in list(sys.modules.items())
            if (getattr(module, "__file__", None) or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
            and name.split(".")[0] not in sys.stdlib_module_names}
print(json.dumps(sorted(compiled)))
"""


def test_every_compiled_package_on_the_verify_path_has_a_browser_fallback():
    import json
    import subprocess
    import sys

    from skillspas.issuer import sign
    from skillspas.keys import LocalSigner, generate
    from skillspas.verifier.browser_build import BROWSER_FALLBACKS, OPTIONAL_IMPORTS, PURE_PACKAGES, SHIMS

    signed = []  # signed here: the probe process imports the verify path only
    for kind, suite in (("ed25519", "eddsa-rdfc-2022"), ("p256", "ecdsa-rdfc-2019")):
        signer = LocalSigner(generate(kind))
        credential = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                      "credentialSubject": {"id": "did:example:learner"}}
        signed.append((signer.controller, json.dumps(sign(credential, signer, suite=suite))))
    out = subprocess.run([sys.executable, "-c", _VERIFY_PATH_PROBE], input=json.dumps(signed),
                         capture_output=True, text=True, check=True).stdout
    compiled = json.loads(out)
    assert compiled, "the probe found no compiled module at all: it no longer sees the verify path"
    for name in compiled:
        top = name.split(".")[0]
        if top.startswith(_EXTENSION_HELPERS) or top in OPTIONAL_IMPORTS:
            continue
        if top == "skillspas":  # compiled with mypyc beside its source (setup.py): the browser build takes the source
            continue
        assert top not in PURE_PACKAGES, f"{name} is compiled but the browser build copies {top} as pure Python"
        assert top in BROWSER_FALLBACKS, f"{name} is compiled and on the verify path, with no browser fallback"
    assert not set(OPTIONAL_IMPORTS) & set(PURE_PACKAGES)
    for top in BROWSER_FALLBACKS:
        assert (SHIMS / top).is_dir() or (SHIMS / f"{top}.py").is_file(), f"no stand-in for {top} in {SHIMS}"


@pytest.mark.parametrize("package", ["wallet_export", "issuer"])
def test_no_issuer_or_wallet_module_uses_the_verifier_cli_as_a_utility_drawer(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                assert not any(a.name == "skillspas.verifier.cli" for a in node.names), path
            elif isinstance(node, ast.ImportFrom) and node.module == "skillspas.verifier.cli":
                taken = sorted(a.name for a in node.names)
                assert not taken, f"{path.relative_to(ROOT)} imports {taken} from skillspas.verifier.cli"
            elif isinstance(node, ast.ImportFrom) and node.module == "skillspas.verifier":
                assert "cli" not in {a.name for a in node.names}, path


JSON_PARSERS_ALLOWED = {
    "schemas/jsonio.py": "the one strict JSON reader (parse_json, read_json_file)",
    "issuer/status_registry.py": "a status list column of the issuer's own database (written by json.dumps)",
    "issuer/issuing.py": "the types and status list columns of the issuer's own database (written by json.dumps)",
    "issuer/batch.py": "the credential column of the issuer's own database (written by json.dumps)",
    "issuer/exchanges.py": "the offer column of the issuer's own database (written by json.dumps)",
    "issuer/audit.py": "the detail column of the issuer's own database (written by json.dumps)",
    "schemas/jsonld/fastsnapshot.py": "the compiled-context file skillspas wrote into its own cache folder, read at every CLI "
                               "start: bounded (8 MB), any error means rebuild; parse_json's checks cost 14 ms of a "
                               "~180 ms verify there (measured), json.loads 2.4 ms",
}
"""Where product code may call ``json.load``/``json.loads``: the strict reader, and JSON the issuer wrote into its
own database itself. Everything read from outside (files, stdin, HTTP bodies, packaged data) goes through
``schemas.jsonio``. ``issuer/store/`` (the database layer) may read its own columns too."""


def test_json_is_read_only_by_the_one_strict_reader():
    for _, path in _modules():
        name = str(path.relative_to(ROOT))
        if name in JSON_PARSERS_ALLOWED or name.startswith("issuer/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "json":
                assert not {a.name for a in node.names} & {"load", "loads", "JSONDecoder"}, f"{name}: from json import"
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "json":
                assert node.attr not in ("load", "loads", "JSONDecoder"), (
                    f"{name}:{node.lineno} parses JSON with json.{node.attr}: use skillspas.schemas.jsonio")


def test_the_trust_policy_does_not_depend_on_the_pipeline_that_uses_it():
    """``verifier.trust`` is given ``Verifier.verified_credential`` as a callable: no import back (not even for types)."""
    imported = set(_imports(ROOT / "verifier" / "trust.py"))
    assert not {name for name in imported if name.startswith("skillspas.verifier.pipeline")}, imported
    assert "skillspas.verifier" not in imported


# One error tree (issue 14): every user-facing refusal is a ``SkillspasError`` with a code of the one
# ``ErrorCode`` enum (schemas/errors.py), and every command prints it through schemas/report.py.
ERROR_ENUMS = [(ROOT / "schemas" / "errors.py", "ErrorKind"), (ROOT / "schemas" / "errors.py", "ErrorCode")]
RENDERER = ROOT / "schemas" / "report.py"
BROWSER_SHIMS = ROOT / "verifier" / "browser" / "shims"
"""Pure stand-ins of third-party packages for the browser build: their exceptions mirror those packages'."""
CONTROL_FLOW_EXCEPTIONS = {
    (ROOT / "schemas" / "jsonld" / "fastcontext.py", "Refused"),  # the fast path hands the document to pyld
    (ROOT / "schemas" / "jsonschema" / "yescheck.py", "Unsure"),  # the compiled schema check hands over to jsonschema
    (ROOT / "schemas" / "jsonio.py", "_NotJson"),
    (ROOT / "verifier" / "page" / "app.py", "_InternalError"),
    (ROOT / "issuer" / "service" / "body_guard.py", "_TooSlow"),
    (ROOT / "issuer" / "store" / "issuance.py", "_Busy"),  # a single reservation rolls back to the general path
}
"""Private exceptions that never reach a person: caught in the module (or its caller) that raises them."""
_ENUM_BASES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"}
_BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                       if isinstance(value, type) and issubclass(value, BaseException)}


def _product_trees():
    for _package, path in _modules():
        if not path.is_relative_to(BROWSER_SHIMS):
            yield path, ast.parse(path.read_text("utf-8"))


def _base_names(node: ast.ClassDef) -> set[str]:
    return {base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "") for base in node.bases}


def test_there_is_one_error_code_enum():
    enums = [(path, node.name) for path, tree in _product_trees() for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef) and _base_names(node) & _ENUM_BASES
             and any(word in node.name for word in ("Code", "Problem", "Error"))]
    assert enums == ERROR_ENUMS, f"a second error-code enum: {enums}"


def test_every_exception_class_is_in_the_one_tree_or_private_control_flow():
    stray = [(str(path.relative_to(ROOT)), node.name) for path, tree in _product_trees() for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef) and _base_names(node) & _BUILTIN_EXCEPTIONS
             and (path, node.name) not in CONTROL_FLOW_EXCEPTIONS
             and (path, node.name) != (ROOT / "schemas" / "errors.py", "SkillspasError")]
    assert not stray, f"derive user-facing refusals from SkillspasError with an ErrorCode: {stray}"


def _starts_like_an_error(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and \
        node.value.lower().startswith(("error", "fout"))


def test_no_command_prints_an_error_itself():
    for path, tree in _product_trees():
        if path == RENDERER:
            continue
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "stderr":
                assert getattr(node.value, "id", "") != "sys", f"{where}:{node.lineno} writes to sys.stderr: use schemas/report.py"
            if isinstance(node, ast.Call) and node.args:
                assert not _starts_like_an_error(node.args[0]) or not any(
                    k.arg == "err" for k in node.keywords), f"{where}:{node.lineno} prints an error: use schemas/report.refuse"
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name == "Exit" and isinstance(node.args[0], ast.Constant):  # 2 is a refusal's exit code
                    assert node.args[0].value != 2, f"{where}:{node.lineno} exits 2 by itself: raise refuse(error)"
