// The browser build of the skillspas verifier, run by Node (issue 19): the same Pyodide runtime and
// the same skillspas-py.zip a phone loads, without a browser. Used by the parity test and benchmarks.
//
//   node verify.mjs BUILD_DIR            then one JSON request per stdin line:
//   {"id": "...", "document": "<text>" (or "document_b64"), "files": {"/tmp/bundle.json": "<text>", ...},
//    "options": {"bundle": "/tmp/bundle.json", "trusted_issuers": [...], "now": "2026-12-01T00:00:00Z", ...}}
//   (options are the keyword arguments of skillspas.verifier.run.verify_to_text)
//   -> one JSON line per request: {"id": "...", "text": "<skillspas verify --json output>", "ms": 12.3}
//
// The first line written is {"ready": true, "ms": <cold start>, "phases": {step: {"wall", "cpu"}}}.
// Nothing here opens a socket.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const build = resolve(process.argv[2] ?? ".");
const started = performance.now();
const phases = {};  // where the cold start goes: wall and CPU milliseconds per step (benchmarks/pwa.py prints them)
let mark = { wall: started, cpu: process.cpuUsage() };
function phase(name) {
  const cpu = process.cpuUsage(mark.cpu);
  phases[name] = { wall: performance.now() - mark.wall, cpu: (cpu.user + cpu.system) / 1000 };
  mark = { wall: performance.now(), cpu: process.cpuUsage() };
}
const { loadPyodide } = await import(pathToFileURL(join(build, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: build + "/", packages: [] });
phase("runtime");
for (const name of ["skillspas-py.zip", "skillspas-extra.zip"]) {  // the page loads the second only for a PDF or a QR code
  pyodide.unpackArchive(new Uint8Array(readFileSync(join(build, name))), "zip", { extractDir: "/lib/python3.13/site-packages" });
}
phase("unpack");
const run = pyodide.runPython(`
import base64, json, os
from skillspas.verifier.run import verify_to_text

def _verify(request_json):
    request = json.loads(request_json)
    for path, text in request.get("files", {}).items():  # a bundle, a contexts folder: into Pyodide's memory FS
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    data = base64.b64decode(request["document_b64"]) if "document_b64" in request else request["document"].encode("utf-8")
    return verify_to_text(data, **request.get("options", {}))
_verify
`);
phase("import");
process.stdout.write(JSON.stringify({ ready: true, ms: performance.now() - started, phases }) + "\n");

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  const t0 = performance.now();
  let text;
  try {
    text = run(line);
  } catch (error) {
    text = JSON.stringify({ crashed: String(error) });
  }
  process.stdout.write(JSON.stringify({ id: request.id, text, ms: performance.now() - t0 }) + "\n");
}
process.exit(0); // Pyodide keeps the event loop alive
