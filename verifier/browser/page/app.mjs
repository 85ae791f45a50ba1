// The skillspas offline verifier page (issue 19): skillspas's own verification code, run by Pyodide
// in this browser. The credential never leaves the device; after the first visit the service worker
// serves every file, so the page also starts in airplane mode.
//
// Trust and status: bundle.json (trust list, DID documents, status lists) is fetched from the site
// whenever the phone is online and kept by the service worker; offline, the kept one is used. Its age
// is shown; status lists older than the site's max_status_age give the orange "status could not be
// checked recently" verdict, decided by the verifier itself, as on the laptop.
//
// QR codes (the camera, a photo, the images of a passport PDF) are read by zxing-wasm, the laptop page's
// reader (zxing-reader.js, its WebAssembly from this site); a PDF's images are found by skillspas's own
// verifier/pdf.py (verifier/browser/phone.py), fax-coded ones decoded by UTIF.js. Python decides the rest.
import { loadPyodide } from "./pyodide.mjs";

const $ = (id) => document.getElementById(id);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("./sw.js");

const DATA = JSON.parse($("page-data").textContent);  // put in by the build (verifier/page/texts.py: page_html)
const T = DATA.words;  // the words of both pages
const MAX_FILES = DATA.maxFiles;  // files checked at once, dropped or chosen together: the laptop page's too
let lang = "nl";
const pick = (both) => (both === null || both === undefined ? "" : typeof both === "string" ? both : both[lang] || both.nl || both.en || "");
// The drawing of a credential (and el, ICONS) is the laptop page's: cards.js, loaded by the shared <head>.
const { ICONS, el, credentialCard, counted, date } = window.SkillspasCards({ t, pick, lang: () => lang });
let lastView = null;
const state = { ready: null, bundle: null, summary: null, note: null, apart: false };
const passport = { credentials: [], keys: new Set() };  // the credentials collected from several codes or files

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
  if (state.ready !== null) $("status").textContent = lastView ? verdictStatus(lastView) : t("ready", { s: state.ready });
  showBundle();
  if (lastView) showView(lastView);
  showSummary();
  showCollection();
}

function showSummary() {  // one passport, one summary (verifier/summary.py's, as on the laptop page)
  const summary = state.summary;
  $("summary").hidden = !summary;
  $("summary").textContent = summary ? counted("summary", summary.verifiedCredentials.length, {
    skills: counted("n_proven_skills", summary.skills.length, { n: summary.skills.length }), n: summary.verifiedCredentials.length }) : "";
  $("summary").dataset.summary = summary ? JSON.stringify(summary) : "";  // for tests and tools
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
  const words = { date: date(state.bundle.createdAt), days, max: state.settings.max_status_age ?? "7d" };
  info.textContent = old ? counted("bundle_old", days, words) : days === 0 ? t("bundle_today", words) : counted("bundle", days, words);
  info.dataset.ageDays = String(days);
  info.dataset.old = String(old);
  info.className = old ? "verdict-warning" : "";
}

const started = performance.now();
const SITE_PACKAGES = { extractDir: "/lib/python3.13/site-packages" };
const archive = fetch("skillspas-py.zip").then((response) => response.arrayBuffer());  // while the runtime loads
const settingsText = fetchText("settings.json");
const bundleFetch = fetchText("bundle.json");
performance.mark("runtime");  // performance.measure: where the start goes (benchmarks/pwa.py prints them)
const pyodide = await loadPyodide({ indexURL: new URL("./", location.href).href, packages: [] });
performance.measure("runtime", "runtime");
performance.mark("unpack");
pyodide.unpackArchive(await archive, "zip", SITE_PACKAGES);
performance.measure("unpack", "unpack");
let extra = null;  // skillspas-extra.zip (pypdf, the QR dictionary): loaded for the first input that is not JSON

function needsExtra(bytes) {  // JSON (a credential, a presentation) never needs it; a PDF, a photo, QR text may
  const first = bytes.find((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf);
  return first !== 0x7b && first !== 0x5b;  // not "{" or "["
}

function loadExtra() {
  extra ??= fetch("skillspas-extra.zip").then((response) => response.arrayBuffer())
    .then((data) => pyodide.unpackArchive(data, "zip", SITE_PACKAGES))
    .catch(() => { extra = null; });  // not reachable now: the verifier says what it lacks, the next input tries again
  return extra;
}
state.settings = JSON.parse((await settingsText) ?? "{}");
const bundleText = await bundleFetch;
if (bundleText !== null) {
  pyodide.FS.writeFile("/tmp/bundle.json", bundleText);
  try {
    state.bundle = JSON.parse(bundleText);
  } catch {
    state.bundle = null;  // the verifier says why (schema_invalid) at the first check
  }
}
performance.mark("import");
const [check, checkRead] = pyodide.runPython(`
from skillspas.verifier.browser.phone import check, check_read
(check, check_read)
`);
performance.measure("import", "import");
const options = JSON.stringify({ ...state.settings, ...(bundleText !== null ? { bundle: "/tmp/bundle.json" } : {}) });
const QR_OPTIONS = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 };
window.ZXingWASM.prepareZXingModule({ overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? new URL(path, location.href).href : prefix + path) } });
state.ready = ((performance.now() - started) / 1000).toFixed(1);
applyLang(lang);
$("verify").disabled = false;
$("camera-start").disabled = false;

function showView(view) {
  const verdict = $("verdict");
  verdict.className = `verdict verdict-${view.verdict}`;
  verdict.querySelector(".verdict-icon").textContent = ICONS[view.verdict];
  $("verdict-heading").textContent = pick(view.heading);
  $("verdict-sentence").textContent = pick(view.sentence);
  $("verdict-claimed").textContent = view.claimed ? pick(view.claimed) : "";  // a credential alone that failed
  $("verdict-claimed").hidden = !view.claimed;
  const warnings = $("verdict-warnings");
  warnings.replaceChildren(...(view.warnings ?? []).map((w) => el("li", {}, `${pick(w.sentence)} `,
    el("span", { class: "verdict-code" }, "[", el("code", { text: w.code }), "]"))));
  warnings.hidden = !warnings.childElementCount;
  warnings.setAttribute("aria-label", t("warnings"));
  $("verdict-next").replaceChildren(...(view.next ? [el("strong", { text: t("next") }), ` ${pick(view.next)}`] : []));  // as on the laptop
  $("verdict-code").textContent = view.code ?? "";
  $("verdict-code").parentElement.hidden = !view.code;  // no code, no "Code voor ondersteuning:" line
  $("credentials").replaceChildren(...(view.credentials ?? []).map((c) => credentialCard(c, view.presentation)));
  verdict.dataset.verdict = view.verdict;
  verdict.dataset.code = view.problem ?? view.code ?? "";
  verdict.hidden = false;
  $("result").hidden = false;
}

function show(answer) {
  const result = JSON.parse(answer.text);
  state.summary = answer.view.presentation ? answer.view.skills : null;  // a passport: one skills summary
  showSummary();
  $("verdict").dataset.verified = String(result.verified);
  $("json").textContent = answer.text;
  lastView = answer.view;
  showView(answer.view);
  $("status").textContent = verdictStatus(answer.view) + (state.note ? ` ${state.note}` : "");  // not the load time
  state.note = null;
}

function verdictStatus(view) {  // the status line after a check: its verdict, whatever the colour
  return t("verdict_done", { verdict: pick(view.heading) });
}

async function readQr(input) {  // the texts of the QR codes zxing-wasm finds in an image file or ImageData
  try {
    const codes = await window.ZXingWASM.readBarcodes(input, QR_OPTIONS);
    return codes.filter((code) => code.isValid && code.text).map((code) => code.text);
  } catch {
    return [];  // not an image it can decode: no QR code (the verifier says qr_unreadable)
  }
}

function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function pdfImage(image) {  // one image of a PDF as phone.py hands it: a file, a fax-coded TIFF, grey or RGB samples
  const data = fromBase64(image.data);
  if (image.kind === "file") return data;
  let { width, height } = image;
  let rgba;
  if (image.kind === "tiff") {
    const ifd = window.UTIF.decode(data.buffer)[0];
    window.UTIF.decodeImage(data.buffer, ifd);
    ({ width, height } = ifd);
    rgba = window.UTIF.toRGBA8(ifd);
  } else {
    const step = image.kind === "grey" ? 1 : 3;
    rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) rgba[4 * i + c] = data[step * i + (step === 1 ? 0 : c)];
      rgba[4 * i + 3] = 255;
    }
  }
  return new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, width * height * 4), width, height);
}

// -- several QR codes (or files) one after another: one passport, as the laptop page collects them ----------
function collectedId(credential) {  // what the passport shows a test or tool of a credential (data-collected)
  return typeof credential?.id === "string" ? credential.id : JSON.stringify(credential);
}

// The same credential is the same id, proof value(s) and JSON, as schemas.vc.repeated (and the laptop page) count a
// copy: its JSON with the keys in order is all three. Another credential with the same id is kept and checked too;
// one without a proof value is nobody's copy (null).
function copyKey(credential) {
  const proof = credential?.proof;
  const signed = (Array.isArray(proof) ? proof : [proof]).some((p) => typeof p?.proofValue === "string");
  return signed ? sortedJSON(credential) : null;
}

function sortedJSON(value) {
  if (Array.isArray(value)) return `[${value.map(sortedJSON).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sortedJSON(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function resetCollection(credentials = []) {
  state.apart = false;
  passport.credentials = [];
  passport.keys = new Set();
  credentials.forEach(addToCollection);
}

function addToCollection(credential) {  // true when the credential was not in the passport yet
  const key = copyKey(credential);
  if (key !== null && passport.keys.has(key)) return false;
  if (key !== null) passport.keys.add(key);
  passport.credentials.push(credential);
  return true;
}

function showCollection() {
  const n = passport.credentials.length;
  document.body.dataset.collected = JSON.stringify(passport.credentials.map(collectedId));  // for tests and tools
  $("collection").hidden = n < 2;
  $("collection-note").textContent = n < 2 ? "" : t(state.apart ? "collection_apart" : "collection_note", { n });
}

async function collect(how) {  // what phone.py's view.collect means for the passport; true when it was checked together
  if (!how) return false;  // nothing was read, or a credential that did not verify: shown alone, the collection stays
  if (how.mode === "none") { resetCollection(); showCollection(); return false; }  // a presentation stands alone
  if (how.mode === "replace") { resetCollection(how.credentials); showCollection(); return false; }  // a PDF
  if (!how.credentials.filter(addToCollection).length) state.note = t("already_in");  // as the laptop page says it
  showCollection();
  if (passport.credentials.length < 2) return false;
  const presentation = { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiablePresentation"],
                         verifiableCredential: passport.credentials };
  await run(new TextEncoder().encode(JSON.stringify(presentation)), "passport", true);  // as the laptop page says it
  return true;
}

async function run(bytes, kind = "auto", collection = false) {  // as the laptop page: JSON or QR text at once; a photo or PDF is read first
  if (needsExtra(bytes)) await loadExtra();
  const challenge = collection ? "" : $("challenge").value.trim().slice(0, 100);  // the employer's code, as on the laptop page
  const domain = collection ? "" : $("domain").value.trim().slice(0, 100);  // and the domain they gave, if any
  performance.mark("verify");
  let answer = JSON.parse(check(bytes, options, kind, challenge, domain));
  performance.measure("verify", "verify");
  if (answer.read) {
    $("status").textContent = t("reading");
    const found = [];
    for (const image of answer.images) {
      let input;
      try {
        input = answer.read === "image" ? bytes : pdfImage(image);
      } catch {
        found.push([]);  // an image UTIF cannot decode holds no QR code we can read
        continue;
      }
      found.push(await readQr(input));
    }
    $("status").textContent = t("ready", { s: state.ready });
    const part = answer.read === "image" ? found.flat().find((text) => PART.test(text)) : undefined;
    if (part !== undefined) {  // a photo of one part of a numbered set: into the set being collected
      const joined = collectPart(part);
      if (joined) await run(new TextEncoder().encode(joined), "text");
      return;
    }
    answer = JSON.parse(checkRead(JSON.stringify(found), options, answer.read, challenge, domain));
  }
  if (!collection && await collect(answer.view.collect)) return;
  state.apart = !collection && !answer.view.collect;  // shown alone, not put into the passport being collected
  showCollection();
  show(answer);
}

// -- the parts of a numbered set of QR codes ("SPP:i/k/SET:..."), scanned, pasted or in files: one collector --
const PART = /^SPP:([1-9][0-9]?)\/([1-9][0-9]?)\/([0-9A-F]{8}):/;
let parts = null;

function collectPart(text) {  // a part kept: "" until every part of its set is in, then the joined set (verified as one)
  const match = PART.exec(text);
  if (parts?.id !== match[3] || parts.count !== Number(match[2])) parts = { id: match[3], count: Number(match[2]), texts: {} };
  parts.texts[match[1]] = text;
  const got = Object.values(parts.texts);  // in part order (integer keys)
  document.body.dataset.parts = `${got.length}/${parts.count}`;  // for tests and tools
  if (got.length < parts.count) {
    $("status").textContent = t("parts_scanned", { n: got.length, k: parts.count });
    return "";
  }
  parts = null;
  return got.join("\n");
}

// -- the camera: as the laptop page's, with the same reader --------------------------------------------
const camera = { stream: null, timer: null };

function stopCamera(message) {
  clearTimeout(camera.timer);
  camera.timer = null;
  if (camera.stream) camera.stream.getTracks().forEach((track) => track.stop());
  camera.stream = null;
  $("video").srcObject = null;
  $("video").hidden = true;
  $("camera-stop").hidden = true;
  $("camera-start").hidden = false;
  if (message) $("status").textContent = message;
}


async function scanFrame() {
  camera.timer = null;
  const video = $("video");
  if (!camera.stream) return;
  if (video.readyState >= 2 && video.videoWidth > 0) {
    const canvas = $("canvas");
    const scale = Math.min(1, 1280 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const texts = await readQr(context.getImageData(0, 0, canvas.width, canvas.height));
    if (!camera.stream || camera.timer) return;  // stopped, or started anew, meanwhile
    const part = texts.find((found) => PART.test(found));
    if (part !== undefined) {  // one part of a numbered set: keep scanning until every part is read
      const joined = collectPart(part);
      if (joined) {
        stopCamera(t("camera_found"));
        run(new TextEncoder().encode(joined), "text");
        return;
      }
      camera.timer = setTimeout(scanFrame, 120);
      return;
    }
    const text = texts.find((found) => /^SP[1-4]:/.test(found));
    if (text) {
      stopCamera(t("camera_found"));
      run(new TextEncoder().encode(text));
      return;
    }
    if (texts.length) $("status").textContent = t("camera_other");
  }
  camera.timer = setTimeout(scanFrame, 120);
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) {
    $("status").textContent = t("camera_unavailable", { reason: "getUserMedia" });
    return;
  }
  $("status").textContent = t("camera_starting");
  try {
    camera.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 } }, audio: false });
    const video = $("video");
    video.srcObject = camera.stream;
    video.hidden = false;
    $("camera-start").hidden = true;
    $("camera-stop").hidden = false;
    await video.play();
    $("status").textContent = t("camera_scanning");
    camera.timer = setTimeout(scanFrame, 120);
  } catch (error) {
    stopCamera(null);
    $("status").textContent = t("camera_unavailable", { reason: error?.name ?? "?" });
  }
}

async function runFile(file) {
  if (!file) return;
  const image = /^image\//.test(file.type) || /\.(png|jpe?g|gif|bmp|webp)$/i.test(file.name);
  await run(new Uint8Array(await file.arrayBuffer()), image ? "image" : "auto");
}

async function runFiles(list) {  // each in turn, into the one passport (and set of parts) being collected
  const files = Array.from(list ?? []);
  if (files.length > MAX_FILES) {
    $("status").textContent = t("too_many_files", { n: MAX_FILES });
    return;
  }
  for (const file of files) await runFile(file);
}

for (const button of document.querySelectorAll(".lang")) button.addEventListener("click", () => applyLang(button.dataset.lang));
$("verify").addEventListener("click", () => {
  const text = $("input").value.trim();
  const joined = !text.includes("\n") && PART.test(text) ? collectPart(text) : null;  // one part of a set: kept
  if (joined !== "") run(new TextEncoder().encode(joined ?? $("input").value));
});
$("file").addEventListener("change", async (event) => {
  await runFiles(event.target.files);
  event.target.value = "";
});
$("camera-start").addEventListener("click", startCamera);
$("collection-clear").addEventListener("click", () => {
  resetCollection();
  showCollection();
  $("result").hidden = true;
  $("status").textContent = t("collection_cleared");
});
$("camera-stop").addEventListener("click", () => stopCamera(t("camera_stopped")));
for (const name of ["dragenter", "dragover"]) document.addEventListener(name, (event) => event.preventDefault());
document.addEventListener("drop", (event) => {
  event.preventDefault();
  runFiles(event.dataTransfer?.files);
});
