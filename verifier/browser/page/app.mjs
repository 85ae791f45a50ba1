// The skillspas offline verifier page (issue 19): skillspas's own verification code, run by Pyodide
// in this browser. The credential never leaves the device; after the first visit the service worker
// serves every file, so the page also starts in airplane mode.
//
// Trust and status: bundle.json (trust list, DID documents, status lists) is fetched from the site
// whenever the phone is online and kept by the service worker; offline, the kept one is used. Its age
// is shown; status lists older than the site's max_status_age give the orange "status could not be
// checked recently" verdict, decided by the verifier itself, as on the laptop.
import { loadPyodide } from "./pyodide.mjs";

const $ = (id) => document.getElementById(id);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("./sw.js");

const T = {
  nl: {
    doc_title: "Skillspas – bewijsstuk controleren", title: "Bewijsstuk controleren",
    check_heading: "Controleer een diploma, certificaat of vaardighedenpaspoort",
    offline_note: "Alles wordt op dit toestel gecontroleerd. Er gaat niets naar een server.",
    file_heading: "Bestand", file_label: "Kies een bestand (JSON)", paste_heading: "Tekst plakken",
    paste_label: "Plak de tekst van de QR-code (begint met SP1: of SP2:) of de JSON",
    paste_button: "Controleer deze tekst", loading: "De controle laadt…", ready: "Klaar ({s} s).",
    support_code: "Code voor ondersteuning", result_json: "Uitkomst (JSON)",
    bundle: "Controlebundel van {date} ({days} dagen oud).",
    bundle_old: "Controlebundel van {date} ({days} dagen oud): ouder dan {max}. De status (ingetrokken of niet) kon niet recent worden gecontroleerd; maak verbinding met internet om de bundel te vernieuwen.",
    no_bundle: "Geen controlebundel: alleen uitgevers die de site opgeeft worden vertrouwd.",
  },
  en: {
    doc_title: "Skillspas – check a credential", title: "Check a credential",
    check_heading: "Check a diploma, certificate or skills passport",
    offline_note: "Everything is checked on this device. Nothing is sent to a server.",
    file_heading: "File", file_label: "Choose a file (JSON)", paste_heading: "Paste text",
    paste_label: "Paste the text of the QR code (starts with SP1: or SP2:) or the JSON",
    paste_button: "Check this text", loading: "Loading the verifier…", ready: "Ready ({s} s).",
    support_code: "Code for support", result_json: "Result (JSON)",
    bundle: "Verification bundle of {date} ({days} days old).",
    bundle_old: "Verification bundle of {date} ({days} days old): older than {max}. The status (revoked or not) could not be checked recently; connect to the internet to refresh the bundle.",
    no_bundle: "No verification bundle: only the issuers the site names are trusted.",
  },
};
const ICONS = { valid: "✓", warning: "!", invalid: "✗", unusable: "?" };
let lang = "nl";
let lastView = null;
const state = { ready: null, bundle: null };

function t(key, values = {}) {
  return T[lang][key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function applyLang(next) {
  lang = next;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-t]")) {
    if (node.id !== "status" || state.ready === null) node.textContent = t(node.dataset.t);
  }
  for (const button of document.querySelectorAll(".lang")) button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  if (state.ready !== null) $("status").textContent = t("ready", { s: state.ready });
  showBundle();
  if (lastView) showView(lastView);
}

async function fetchText(name) {  // bundle.json and settings.json are there only when the site has them
  try {
    const response = await fetch(name);
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

const DURATION_MS = { d: 86400000, h: 3600000, m: 60000 };

function durationMs(text) {  // "7d", "36h", "90m" (skillspas.verifier.run.parse_duration)
  const match = /^([0-9]+(?:\.[0-9]+)?)([dhm])$/.exec(String(text ?? "7d").trim());
  return match ? Number(match[1]) * DURATION_MS[match[2]] : 7 * DURATION_MS.d;
}

function showBundle() {
  const info = $("bundle-info");
  if (state.bundle === null) {
    info.textContent = t("no_bundle");
    info.dataset.ageDays = "";
    return;
  }
  const created = new Date(state.bundle.createdAt);
  const age = Date.now() - created.getTime();
  const days = Math.max(0, Math.floor(age / DURATION_MS.d));
  const old = age > durationMs(state.settings.max_status_age);
  info.textContent = t(old ? "bundle_old" : "bundle", { date: state.bundle.createdAt.slice(0, 10), days, max: state.settings.max_status_age ?? "7d" });
  info.dataset.ageDays = String(days);
  info.dataset.old = String(old);
  info.className = old ? "verdict-warning" : "";
}

const started = performance.now();
const pyodide = await loadPyodide({ indexURL: new URL("./", location.href).href, packages: [] });
pyodide.unpackArchive(await (await fetch("skillspas-py.zip")).arrayBuffer(), "zip",
                      { extractDir: "/lib/python3.13/site-packages" });
state.settings = JSON.parse((await fetchText("settings.json")) ?? "{}");
const bundleText = await fetchText("bundle.json");
if (bundleText !== null) {
  pyodide.FS.writeFile("/tmp/bundle.json", bundleText);
  try {
    state.bundle = JSON.parse(bundleText);
  } catch {
    state.bundle = null;  // the verifier says why (schema_invalid) at the first check
  }
}
const verify = pyodide.runPython(`
import json

from skillspas.schemas.errors import SkillspasError
from skillspas.verifier.page.texts import HEADINGS, SENTENCES, next_step, reason
from skillspas.verifier.run import refusal, result_text, verify_input


def _verify(data, options):
    """The --json text of skillspas verify, and the verdict in the laptop page's words."""
    try:
        result = verify_input(data.to_bytes(), **json.loads(options))
    except SkillspasError as exc:  # an unusable input: as the laptop page's error_view
        text, problem = json.dumps(refusal(exc)), exc
        verdict = "unusable" if exc.code.exit_code == 2 else "invalid"
    else:
        text, verdict = result_text(result), result.verdict
        problem = result.first_error or next(iter(result.all_warnings), None)
    view = {"verdict": verdict, "heading": HEADINGS[verdict],
            "sentence": reason(problem.code) if problem else SENTENCES["valid"],
            "next": next_step(problem.code) if problem else None,
            "code": problem.code.value if problem else ""}
    return json.dumps({"text": text, "view": view})
_verify
`);
const options = { ...state.settings, ...(bundleText !== null ? { bundle: "/tmp/bundle.json" } : {}) };
state.ready = ((performance.now() - started) / 1000).toFixed(1);
applyLang(lang);
$("verify").disabled = false;

function showView(view) {
  const verdict = $("verdict");
  verdict.className = `verdict verdict-${view.verdict}`;
  verdict.querySelector(".verdict-icon").textContent = ICONS[view.verdict];
  $("verdict-heading").textContent = view.heading[lang];
  $("verdict-sentence").textContent = view.sentence[lang];
  $("verdict-next").textContent = view.next ? view.next[lang] : "";
  $("verdict-code").textContent = view.code;
  verdict.dataset.verdict = view.verdict;
  verdict.dataset.code = view.code;
  verdict.hidden = false;
  $("result").hidden = false;
}

function run(bytes) {
  const answer = JSON.parse(verify(bytes, JSON.stringify(options)));
  const result = JSON.parse(answer.text);
  $("verdict").dataset.verified = String(result.verified);
  $("json").textContent = answer.text;
  lastView = answer.view;
  showView(answer.view);
}

for (const button of document.querySelectorAll(".lang")) button.addEventListener("click", () => applyLang(button.dataset.lang));
$("verify").addEventListener("click", () => run(new TextEncoder().encode($("input").value)));
$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (file) run(new Uint8Array(await file.arrayBuffer()));
});
