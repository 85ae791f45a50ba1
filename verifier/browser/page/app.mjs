// The skillspas offline verifier page (issue 19): skillspas's own verification code, run by Pyodide
// in this browser. The credential never leaves the device; after the first visit the service worker
// serves every file, so the page also starts in airplane mode.
import { loadPyodide } from "./pyodide.mjs";

const $ = (id) => document.getElementById(id);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("./sw.js");

async function optionalJson(name) {  // bundle.json and settings.json are there only when the build got them
  try {
    const response = await fetch(name);
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

const started = performance.now();
const pyodide = await loadPyodide({ indexURL: new URL("./", location.href).href, packages: [] });
pyodide.unpackArchive(await (await fetch("skillspas-py.zip")).arrayBuffer(), "zip",
                      { extractDir: "/lib/python3.13/site-packages" });
const settings = JSON.parse((await optionalJson("settings.json")) ?? "{}");
const bundle = await optionalJson("bundle.json");
if (bundle !== null) pyodide.FS.writeFile("/tmp/bundle.json", bundle);
const verify = pyodide.runPython(`
from skillspas.verifier.run import verify_to_text

import json

def _verify(data, options):
    return verify_to_text(data.to_bytes(), **json.loads(options))
_verify
`);
const options = { ...settings, ...(bundle !== null ? { bundle: "/tmp/bundle.json" } : {}) };
$("status").textContent = `Klaar (${((performance.now() - started) / 1000).toFixed(1)} s)` +
  (bundle !== null ? " — met de controlebundel van deze site / with this site's bundle" : "");
$("verify").disabled = false;

function show(text) {
  const result = JSON.parse(text);
  const verdict = $("verdict");
  const warned = result.verified && (result.warnings ?? []).length > 0;
  verdict.className = result.verified ? (warned ? "orange" : "green") : "red";
  const code = (result.errors ?? [])[0]?.code ?? (result.warnings ?? [])[0]?.code ?? "";
  verdict.textContent = result.verified
    ? (warned ? `Geldig, met een waarschuwing / Valid, with a warning (${code})` : "Geldig / Valid")
    : `Niet geldig / Not valid (${code})`;
  verdict.dataset.verified = String(result.verified);
  verdict.dataset.code = code;
  verdict.hidden = false;
  $("json").textContent = text;
}

function run(bytes) {
  show(verify(bytes, JSON.stringify(options)));
}

$("verify").addEventListener("click", () => run(new TextEncoder().encode($("input").value)));
$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (file) run(new Uint8Array(await file.arrayBuffer()));
});
