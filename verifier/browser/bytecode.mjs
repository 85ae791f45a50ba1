// Bytecode for the browser build (issue 19), compiled by the pinned Pyodide itself (its Python, its magic
// number): what the page imports at every start is shipped as .pyc, so the phone does not compile it.
//
//   node bytecode.mjs RUNTIME_DIR WORK_DIR
//
// WORK_DIR holds python_stdlib.zip (the runtime's, sources), skillspas-py.zip (browser_build.python_archive) and
// stdlib-left-out.json (browser_build.STDLIB_LEFT_OUT: left out of the standard library; the build fails if the page imports one).
// The Pyodide of RUNTIME_DIR starts, unpacks skillspas-py.zip and imports the page's Python side
// (skillspas.verifier.run, skillspas.verifier.browser.phone) and pyld (the first verification's); every module it then holds from one of the two
// archives is compiled (unchecked-hash .pyc, no source check at import) and replaces its .py in
// WORK_DIR/out/<same name>. Everything else stays as it was (a module imported later compiles as before).
// The bytecode leaves out the docstrings of modules and functions (what -OO leaves out, which the standard
// library supports; nothing on the verify path reads them), not those of classes (dataclasses would compute
// one at import), and keeps asserts and __debug__ (optimize=0). The archives are written uncompressed
// (ZIP_STORED): the server's gzip compresses across files, better than deflate file by file.
// Deterministic: the same inputs give the same bytes. Nothing here opens a socket.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [runtime, work] = process.argv.slice(2).map((path) => resolve(path));
const { loadPyodide } = await import(pathToFileURL(join(runtime, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: runtime + "/", packages: [] });
const site = "/lib/python3.13/site-packages";
pyodide.unpackArchive(new Uint8Array(readFileSync(join(work, "skillspas-py.zip"))), "zip", { extractDir: site });
const archives = { "python_stdlib.zip": "/lib/python313.zip/", "skillspas-py.zip": site + "/" };
const leftOut = readFileSync(join(work, "stdlib-left-out.json"), "utf-8");
for (const name of Object.keys(archives)) pyodide.FS.writeFile(`/tmp/${name}`, readFileSync(join(work, name)));
pyodide.runPython(`
import ast, importlib.util, io, json, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc


def _docstring(node):
    first = node.body[0] if node.body else None
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)


def without_docstrings(tree):
    """tree without the docstrings of its module and its functions; a function of only a docstring gets pass."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)) and _docstring(node):
            first = node.body[0]
            node.body[0:1] = [] if isinstance(node, ast.Module) or len(node.body) > 1 else [ast.copy_location(ast.Pass(), first)]
    return tree

import skillspas.verifier.run, skillspas.verifier.browser.phone  # noqa: F401  what the page imports at start
import skillspas.schemas.jsonld.expand  # noqa: F401  and pyld, which the first verification imports

archives = json.loads(${JSON.stringify(JSON.stringify(archives))})
left_out = set(json.loads(${JSON.stringify(leftOut)}))  # of the standard library: never imported by the page
origins = {getattr(getattr(m, "__spec__", None), "origin", None) or "" for m in list(sys.modules.values())}
imported = left_out & {name.split(".")[0] for name in sys.modules}
if imported:
    raise SystemExit(f"the page imports {sorted(imported)}, which the build leaves out of the standard library")
for archive, prefix in archives.items():
    used = {o[len(prefix):] for o in origins if o.startswith(prefix) and o.endswith(".py")}
    source = zipfile.ZipFile("/tmp/" + archive)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            name = info.filename
            if archive == "python_stdlib.zip" and name.split("/")[0].removesuffix(".py") in left_out:
                continue
            data = source.read(info)
            if name in used:
                tree = without_docstrings(ast.parse(data, prefix + name))
                code = compile(tree, prefix + name, "exec", dont_inherit=True, optimize=0)  # the path a source import gives
                data = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
                name += "c"
            entry = zipfile.ZipInfo(name, info.date_time)
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    with open("/tmp/out-" + archive, "wb") as handle:
        handle.write(out.getvalue())
`);
mkdirSync(join(work, "out"), { recursive: true });
for (const name of Object.keys(archives)) writeFileSync(join(work, "out", name), pyodide.FS.readFile(`/tmp/out-${name}`));
process.exit(0); // Pyodide keeps the event loop alive
