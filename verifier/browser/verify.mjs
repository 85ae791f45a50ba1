// The browser build of the skillspas verifier, run by Node (issue 19): the same Pyodide runtime and
// the same skillspas-py.zip a phone loads, without a browser. Used by the parity test and benchmarks.
//
//   node verify.mjs BUILD_DIR            then one JSON request per stdin line:
//   {"id": "...", "document": "<text>", "bundle": "<bundle.json text>" | null,
//    "trusted_issuers": [...], "trust_anchors": [...], "now": "2026-12-01T00:00:00Z"}
//   -> one JSON line per request: {"id": "...", "text": "<skillspas verify --json output>", "ms": 12.3}
//
// The first line written is {"ready": true, "ms": <cold start>}. Nothing here opens a socket.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const build = resolve(process.argv[2] ?? ".");
const started = performance.now();
const { loadPyodide } = await import(pathToFileURL(join(build, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: build + "/", packages: [] });
const archive = new Uint8Array(readFileSync(join(build, "skillspas-py.zip")));
pyodide.unpackArchive(archive, "zip", { extractDir: "/lib/python3.13/site-packages" });
const run = pyodide.runPython(`
from skillspas.verifier.run import verify_to_text

def _verify(document, bundle, trusted_issuers, trust_anchors, now):
    path = None
    if bundle is not None:
        path = "/tmp/bundle.json"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(bundle)
    return verify_to_text(document.encode("utf-8"), bundle=path, now=now,
                          trusted_issuers=list(trusted_issuers) or None, trust_anchors=list(trust_anchors) or None)
_verify
`);
process.stdout.write(JSON.stringify({ ready: true, ms: performance.now() - started }) + "\n");

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  const t0 = performance.now();
  let text;
  try {
    text = run(request.document, request.bundle ?? null, request.trusted_issuers ?? [], request.trust_anchors ?? [],
               request.now ?? null);
  } catch (error) {
    text = JSON.stringify({ crashed: String(error) });
  }
  process.stdout.write(JSON.stringify({ id: request.id, text, ms: performance.now() - t0 }) + "\n");
}
process.exit(0); // Pyodide keeps the event loop alive
