/* skillspas verifier page: send the input to this machine's verifier, show the verdict.
 *
 * Everything is local: the page, this script, the QR reader zxing-wasm (static/vendor) and the API (api/...).
 * The verdict is rendered with text nodes only (no HTML strings), in Dutch or English.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var MAX_JSON = Number(root.getAttribute("data-max-json")) || 1048576;
  var MAX_IMAGE = Number(root.getAttribute("data-max-image")) || 33554432;
  var MAX_VACANCY_LINES = Number(root.getAttribute("data-max-vacancy-lines")) || 100;
  var MAX_VACANCY_CHARS = 12000;
  var SCAN_INTERVAL_MS = 120;
  var SCAN_WIDTH = 1280;

  var DATA = JSON.parse(document.getElementById("page-data").textContent);  // verifier/page/texts.py (page_html)
  var T = DATA.words;  // {nl: {key: text}, en: …}
  var MAX_FILES = DATA.maxFiles;  // files checked at once (dropped or chosen together)

  var state = { lang: "nl", view: null, input: null, info: null, busy: false, stream: null, timer: null,
    collected: [], collectedKeys: {}, collectedTexts: {}, apart: false };
  var VC_V2 = "https://www.w3.org/ns/credentials/v2";

  // -- small helpers -------------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function t(key, values) {
    var text = (T[state.lang] && T[state.lang][key]) || T.nl[key] || key;
    if (values) {
      Object.keys(values).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    }
    return text;
  }

  function pick(both) {
    if (both === null || both === undefined) { return ""; }
    if (typeof both === "string") { return both; }
    return both[state.lang] || both.nl || both.en || "";
  }

  // The drawing of a credential, and el, date and ICONS, shared with the phone page (static/cards.js).
  var shared = window.SkillspasCards({ t: t, pick: pick, lang: function () { return state.lang; } });
  var el = shared.el;
  var date = shared.date;
  var ICONS = shared.ICONS;
  var credentialCard = shared.credentialCard;
  var counted = shared.counted;

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function say(text) { $("status").textContent = text; }

  function size(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1).replace(".", state.lang === "nl" ? "," : ".") + " MB"; }
    return Math.ceil(bytes / 1024) + " kB";
  }

  // -- language ------------------------------------------------------------------------------------

  function applyLanguage(lang) {
    state.lang = T[lang] ? lang : "nl";
    root.setAttribute("lang", state.lang);
    document.querySelectorAll("[data-t]").forEach(function (node) { node.textContent = t(node.getAttribute("data-t")); });
    document.querySelectorAll("[data-t-label]").forEach(function (node) { node.setAttribute("aria-label", t(node.getAttribute("data-t-label"))); });
    document.querySelectorAll("button.lang").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === state.lang ? "true" : "false");
    });
    try { window.localStorage.setItem("skillspas-lang", state.lang); } catch (e) { /* private mode: not kept */ }
    renderInfo();
    showCollection();
    if (state.view) { render(state.view, false); }
  }

  function firstLanguage() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    if (asked && T[asked]) { return asked; }
    try {
      var kept = window.localStorage.getItem("skillspas-lang");
      if (kept && T[kept]) { return kept; }
    } catch (e) { /* not available */ }
    return root.getAttribute("data-default-lang") || "nl";
  }

  // -- talking to the verifier on this machine -----------------------------------------------------

  function setBusy(busy) {
    state.busy = busy;
    ["paste-check", "vacancy-check", "camera-start"].forEach(function (id) { $(id).disabled = busy; });
    $("file").disabled = busy;
  }

  function vacancyLines() {
    return $("vacancy-input").value.split("\n").map(function (line) { return line.trim(); })
      .filter(function (line) { return line.length > 0; });
  }

  function verify(body, kind, withVacancy, occupation, collection) {
    if (state.busy) { return; }
    var params = new URLSearchParams({ kind: kind });
    if (occupation) { params.append("occupation", occupation); }
    var challenge = $("challenge") ? $("challenge").value.trim() : "";  // the employer's code: not for the page's own passport of QR codes
    if (challenge && !collection) { params.append("challenge", challenge.slice(0, 100)); }
    var domain = $("domain") ? $("domain").value.trim() : "";  // and the domain they gave, if any (checked likewise)
    if (domain && !collection) { params.append("domain", domain.slice(0, 100)); }
    if (withVacancy) {
      var lines = vacancyLines();
      if (lines.length > MAX_VACANCY_LINES) { say(t("vacancy_too_long", { n: MAX_VACANCY_LINES })); return; }
      lines.forEach(function (line) { params.append("vacancy", line); });
      if (params.toString().length > MAX_VACANCY_CHARS) { say(t("vacancy_too_long", { n: MAX_VACANCY_LINES })); return; }
    }
    state.input = { body: body, kind: kind, collection: !!collection };
    setBusy(true);
    say(t("checking"));
    request(body, params).then(function (answer) {
      setBusy(false);
      if (!collection && collect(answer.view && answer.view.collect)) { return; }
      state.apart = !collection && !(answer.view && answer.view.collect);  // shown alone, not put into the passport
      showCollection();
      render(answer.view, occupation ? "bridge" : withVacancy ? "vacancy" : true);
      say(t("done") + (state.note ? " " + state.note : ""));
      state.note = null;
    }).catch(function () {
      setBusy(false);
      say(t("no_answer"));
    });
  }

  // One check by the page's verifier: the answer (result and view), or a rejection after 20 s or a failure.
  function request(body, params) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, 20000);
    return fetch("api/verify?" + params.toString(), {
      method: "POST",
      body: body,
      headers: { "Content-Type": "application/octet-stream" },
      signal: controller.signal
    }).then(function (response) {
      window.clearTimeout(timer);
      return response.json();
    }, function (error) {
      window.clearTimeout(timer);
      throw error;
    });
  }

  // -- several QR codes (or files) one after another: one passport -------------------------------

  // What the passport shows a test or tool of a credential (data-collected): its id.
  function collectedId(credential) {
    return (credential && typeof credential.id === "string") ? credential.id : JSON.stringify(credential);
  }

  // The same credential is the same id, the same proof value(s) and the same JSON, as schemas.vc.repeated counts a
  // copy: its JSON with the keys in order is all three. Another credential with the same id (signed again, or changed)
  // is no copy: both are kept, and the verifier checks both. One without a proof value is nobody's copy (null).
  function copyKey(credential) {
    var proof = (credential && typeof credential === "object") ? credential.proof : null;
    var signed = (Array.isArray(proof) ? proof : [proof]).some(function (p) {
      return !!p && typeof p === "object" && typeof p.proofValue === "string";
    });
    return signed ? sortedJSON(credential) : null;
  }

  function sortedJSON(value) {
    if (Array.isArray(value)) { return "[" + value.map(sortedJSON).join(",") + "]"; }
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + sortedJSON(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function resetCollection(credentials) {
    state.apart = false;
    state.collected = [];
    state.collectedKeys = {};
    state.collectedTexts = {};
    (credentials || []).forEach(addToCollection);
  }

  // True when the credential was not in the passport yet.
  function addToCollection(credential) {
    var key = copyKey(credential);
    if (key !== null && state.collectedKeys[key]) { return false; }
    if (key !== null) { state.collectedKeys[key] = true; }
    state.collected.push(credential);
    return true;
  }

  // What the answer means for the passport being collected; true when a combined check was started.
  function collect(how) {
    if (!how) { return false; }  // nothing was read (e.g. a blurred photo): the collection stays
    if (how.mode === "part") { return collectPart(how.text, false); }  // a photo of one code of a numbered set
    if (how.mode === "none") { resetCollection([]); showCollection(); return false; }  // a presentation stands alone
    if (how.mode === "replace") { resetCollection(how.credentials); showCollection(); return false; }
    if (!how.credentials.filter(addToCollection).length) { state.note = t("already_in"); }  // as the camera says it
    if (state.input && state.input.kind === "text" && typeof state.input.body === "string") {
      state.collectedTexts[state.input.body] = true;  // the camera skips this code from now on
    }
    showCollection();
    if (state.collected.length < 2) { return false; }
    verifyCollection(false);
    return true;
  }

  function verifyCollection(withVacancy) {
    var presentation = { "@context": [VC_V2], type: ["VerifiablePresentation"], verifiableCredential: state.collected };
    verify(JSON.stringify(presentation), "passport", withVacancy, null, true);  // its warning: no holder proof in these terms
  }

  function showCollection() {
    var n = state.collected.length;
    document.body.dataset.collected = JSON.stringify(state.collected.map(collectedId));  // for tests and tools
    $("collection").hidden = n < 2;
    $("collection-note").textContent = n < 2 ? "" : t(state.apart ? "collection_apart" : "collection_note", { n: n });
  }

  // -- the parts of a numbered set of QR codes ("SPP:i/k/SET:..."): collected, checked when complete --

  var PART = /^SPP:([1-9][0-9]?)\/([1-9][0-9]?)\/([0-9A-F]{8}):/;

  // True when text is a part of a set: kept, and the joined set verified once every part is in (the
  // server joins them and refuses a broken set with a code). A part of another set starts a new one.
  function collectPart(text, fromCamera) {
    if (!PART.test(text)) { return false; }
    var joined = keepPart(text);
    if (joined === null) { return true; }
    if (fromCamera) { stopCamera(t("camera_found")); }
    verify(joined, "text", false);
    return true;
  }

  // Keeps one part (scanned, pasted or a photo's, as the server read it): null while parts are missing (said in
  // the status line), else the text of the whole set, one part a line, to check once.
  function keepPart(text) {
    var m = PART.exec(text);
    if (!state.parts || state.parts.set !== m[3] || state.parts.count !== Number(m[2])) {
      state.parts = { set: m[3], count: Number(m[2]), texts: {} };
    }
    state.parts.texts[m[1]] = text;
    var texts = Object.keys(state.parts.texts).map(function (i) { return state.parts.texts[i]; });
    document.body.dataset.parts = texts.length + "/" + state.parts.count;  // for tests and tools
    if (texts.length < state.parts.count) {
      say(t("parts_scanned", { n: texts.length, k: state.parts.count }));
      return null;
    }
    state.parts = null;
    return texts.join("\n");
  }

  // What the browser knows a file is ("image" or "auto"), or null (said why) when it is too large.
  function fileKind(file) {
    var image = /^image\//.test(file.type) || /\.(png|jpe?g|gif|bmp|webp)$/i.test(file.name);
    var pdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
    var limit = (image || pdf) ? MAX_IMAGE : MAX_JSON;
    if (file.size > limit) {
      say(t(image ? "image_too_large" : "file_too_large", { size: size(file.size), max: size(limit) }));
      return null;
    }
    return image ? "image" : "auto";
  }

  function verifyFile(file) {
    if (!file) { return; }
    var kind = fileKind(file);
    if (!kind) { state.view = null; return; }
    verify(file, kind, false);
  }

  // Several files at once (dropped or chosen together): each is read in turn, the credentials of every file
  // (a QR image, a credential, every code of a PDF) join the passport being collected, then that passport is
  // checked once, with one summary. A file that gives no credential to add is named in the status line.
  function verifyFiles(list) {
    var files = Array.prototype.slice.call(list || []);
    if (files.length < 2) { verifyFile(files[0]); return; }
    if (state.busy) { return; }
    if (files.length > MAX_FILES) { say(t("too_many_files", { n: MAX_FILES })); return; }
    var skipped = [];
    var again = [];
    var last = null;
    function take(answer, body, kind) {  // a file's (or a joined set's) credentials into the passport
      var how = answer.view && answer.view.collect;
      if (how && (how.mode === "add" || how.mode === "replace")) {
        if (!how.credentials.filter(addToCollection).length) { again.push(body.name || t("parts_set")); }
        last = { answer: answer, body: body, kind: kind };
      } else {
        skipped.push(body.name || t("parts_set"));
        if (!last) { last = { answer: answer, body: body, kind: kind }; }
      }
    }
    setBusy(true);
    say(t("checking_files", { n: files.length }));
    var chain = Promise.resolve();
    files.forEach(function (file) {
      chain = chain.then(function () {
        var kind = fileKind(file);
        if (!kind) { skipped.push(file.name); return null; }
        return request(file, new URLSearchParams({ kind: kind })).then(function (answer) {
          var how = answer.view && answer.view.collect;
          if (how && how.mode === "part") {  // one code of a numbered set: kept; the whole set is checked once it is in
            var joined = keepPart(how.text);
            if (joined === null) { return null; }
            return request(joined, new URLSearchParams({ kind: "text" })).then(function (whole) { take(whole, joined, "text"); });
          }
          take(answer, file, kind);
        }).catch(function () { skipped.push(file.name); });
      });
    });
    chain.then(function () {
      setBusy(false);
      showCollection();
      var notes = [];
      if (skipped.length) { notes.push(t("files_skipped", { n: skipped.length, names: skipped.join(", ") })); }
      if (again.length) { notes.push(t("files_again", { names: again.join(", ") })); }
      state.note = notes.length ? notes.join(" ") : null;
      if (!last && state.parts) { say(t("parts_scanned", { n: Object.keys(state.parts.texts).length, k: state.parts.count })); return; }
      if (state.collected.length >= 2) { verifyCollection(false); return; }
      if (!last) { say(state.note || t("no_answer")); state.note = null; return; }
      state.input = { body: last.body, kind: last.kind, collection: false };
      render(last.answer.view, true);
      say(t("done") + (state.note ? " " + state.note : ""));
      state.note = null;
    });
  }

  // -- rendering the verdict ----------------------------------------------------------------------

  function render(view, moveFocus) {
    state.view = view;
    var body = $("result-body");
    var cards = $("credentials-body");
    clear(body);
    clear(cards);
    $("result").hidden = false;
    body.appendChild(verdictBox(view));
    (view.credentials || []).forEach(function (credential) {
      cards.appendChild(credentialCard(credential, view.presentation));
    });
    renderSkills(view);
    renderVacancy(view);
    renderBridge(view);
    if (moveFocus === "vacancy" && $("vacancy-summary")) { $("vacancy-summary").focus(); }
    else if (moveFocus === "bridge" && $("bridge-summary")) { $("bridge-summary").focus(); }
    else if (moveFocus) { $("verdict-heading").focus(); }
  }

  function verdictBox(view) {
    var text = el("div", { "class": "verdict-text" },
      el("p", { "class": "verdict-sentence", text: pick(view.sentence) }),
      view.claimed ? el("p", { "class": "claimed", "data-claimed": "" }, pick(view.claimed)) : null);
    if (view.persons && view.persons.length > 1) {  // never one passport: who is who, and who counts
      text.appendChild(el("p", { text: t("persons", { n: view.persons.length }) }));
      var people = el("ul", { "class": "persons", id: "persons" });
      view.persons.forEach(function (p) {
        var list = p.credentials.map(function (i) { return i + 1; }).join(", ");
        people.appendChild(el("li", { "data-counted": p.counted ? "true" : "false" },
          el("strong", { text: p.names.length ? p.names.join(" / ") : (p.subjectId || p.key) }),
          " (" + t("person_credentials", { list: list }) + ") — " + t(p.counted ? "person_counted" : "person_not_counted")));
      });
      text.appendChild(people);
    }
    if (view.warnings && view.warnings.length) {
      var list = el("ul", { "class": "warning-list", "aria-label": t("warnings") });
      view.warnings.forEach(function (w) {
        list.appendChild(el("li", {}, pick(w.sentence) + " ", el("span", { "class": "verdict-code" }, "[", el("code", { text: w.code }), "]")));
      });
      text.appendChild(list);
    }
    if (view.next) {
      text.appendChild(el("p", { "class": "verdict-next" }, el("strong", { text: t("next") }), " " + pick(view.next)));
    }
    if (view.code) {
      text.appendChild(el("p", { "class": "verdict-code", "data-code": view.code },
        t("support_code") + ": ", el("code", { text: view.code }), view.detail ? " — " + pick(view.detail) : ""));
    }
    return el("div", { "class": "verdict verdict-" + view.verdict, "data-verdict": view.verdict, id: "verdict" },
      el("div", { "class": "verdict-bar" },
        el("span", { "class": "verdict-icon", "aria-hidden": "true", text: ICONS[view.verdict] || "" }),
        el("h3", { id: "verdict-heading", tabindex: "-1", text: pick(view.heading) })),
      text);
  }

  function renderSkills(view) {
    var section = $("skills");
    var body = $("skills-body");
    clear(body);
    var summary = view.skills;
    section.hidden = !(view.presentation && summary);
    if (section.hidden) { return; }
    var table = el("table", { id: "skills-table" },
      el("caption", { text: counted("skills_caption", summary.verifiedCredentials.length, {
        skills: counted("n_skills", summary.skills.length, { n: summary.skills.length }), c: summary.verifiedCredentials.length }) }),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col", text: t("skill_col") }),
        el("th", { scope: "col", text: t("framework_col") }),
        el("th", { scope: "col", text: t("proven_col") }))));
    var rows = el("tbody", {});
    summary.skills.forEach(function (skill) {
      var proofs = el("ul", { "class": "skill-list" });
      skill.evidence.forEach(function (e) {
        proofs.appendChild(el("li", { "data-kind": e.kind, "data-established": e.established || "" },
          pick(e.kindLabel) + ": " + (e.title || t("credential_n", { n: e.credential + 1 })) + (e.issuerName ? " — " + e.issuerName : "")
          + (e.establishedLabel ? " (" + pick(e.establishedLabel) + ")" : "")));
      });
      rows.appendChild(el("tr", { "data-uri": skill.uri },
        el("th", { scope: "row", text: pick(skill.shownLabel) }),  // "dispose waste (Engels)": never read as Dutch
        el("td", { text: skill.framework || "" }),
        el("td", {}, proofs)));
    });
    table.appendChild(rows);
    if (summary.person && view.persons && view.persons.length > 1) {
      body.appendChild(el("p", { "class": "hint", text: t("skills_person", {
        name: summary.person.names.length ? summary.person.names.join(" / ") : (summary.person.subjectId || summary.person.key) }) }));
    }
    (summary.progress || []).forEach(function (p) {
      body.appendChild(el("p", { "class": "progress", "data-crebo": p.crebo, text: pick(p.sentence) }));
    });
    body.appendChild(table);
    if (summary.excludedCredentials.length) {
      var names = summary.excludedCredentials.map(function (x) {
        return t("credential_n", { n: x.credential + 1 }) + (x.code ? " [" + x.code + "]" : "");
      });
      body.appendChild(el("p", { "class": "hint", text: t("excluded", { list: names.join(", ") }) }));
    }
  }

  function renderVacancy(view) {
    $("vacancy").hidden = !view.skills;
    var body = $("vacancy-body");
    clear(body);
    var match = view.vacancy;
    if (!match) { return; }
    if (match.error) { body.appendChild(el("p", { "class": "missing", text: pick(match.error) })); return; }
    body.appendChild(el("p", { "class": "verdict-sentence", id: "vacancy-summary", tabindex: "-1", text: counted("vacancy_summary", match.covered, {
      c: match.covered, asked: counted("n_asked", match.total, { n: match.total }) }) }));
    var list = el("ul", { "class": "skill-list", id: "vacancy-list" });
    match.lines.forEach(function (line) {
      var label = line.found ? pick(line.shownLabel) : line.ambiguous  // "dispose waste (Engels)", as the bridge says it
        ? line.query + " — " + t("several", { list: line.candidates.map(function (c) { return pick(c.shownLabel); }).join("; ") })
        : line.query + " — " + t("not_found");
      var item = el("li", { "data-covered": line.covered ? "true" : "false" },
        el("span", { "class": line.covered ? "covered" : "missing", text: (line.covered ? "✓ " : "✗ ") + (line.covered ? t("covered") : t("missing")) + ": " }),
        label);
      if (line.covered && line.evidence.length) {
        item.appendChild(el("span", { "class": "hint" }, " (" + line.evidence.map(function (e) { return e.title || pick(e.kindLabel); }).join(", ") + ")"));
      }
      list.appendChild(item);
    });
    body.appendChild(list);
  }

  // -- footer: the trust material in use -----------------------------------------------------------

  function renderInfo() {
    var node = $("trust-info");
    var info = state.info;
    if (!node || !info) { return; }
    var parts = [];
    parts.push(info.bundle ? t("bundle", { date: date(info.bundle.createdAt) }) : t("no_bundle"));
    if (info.trustList) {
      parts.push(info.trustList.ok ? counted("trust_ok", info.trustList.issuers, { name: info.trustList.name || info.trustList.issuer, n: info.trustList.issuers })
        : t("trust_bad", { code: info.trustList.code }));
      if (info.trustList.ok && !info.trustList.pinned) { parts.push(t("trust_unpinned")); }
    }
    if (info.trustedIssuers && info.trustedIssuers.length) { parts.push(counted("trusted_issuers", info.trustedIssuers.length, { n: info.trustedIssuers.length })); }
    node.textContent = parts.join(" ");
  }

  function loadInfo() {
    fetch("api/info").then(function (r) { return r.json(); }).then(function (info) {
      state.info = info;
      renderInfo();
    }).catch(function () { /* the footer stays empty; a check will say if the verifier is gone */ });
  }

  // -- the skills search for the vacancy -----------------------------------------------------------

  function search() {
    var query = $("skill-search").value.trim();
    var results = $("search-results");
    clear(results);
    if (!query) { return; }
    fetch("api/skills?" + new URLSearchParams({ q: query.slice(0, 100) }).toString())
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        clear(results);
        if (!answer.skills || !answer.skills.length) { results.appendChild(el("li", { text: t("no_results") })); return; }
        answer.skills.forEach(function (skill) {
          var label = pick(skill.shownLabel);
          var button = el("button", { type: "button", "aria-label": t("add_label", { label: label }), text: t("add") });
          button.addEventListener("click", function () {
            var box = $("vacancy-input");
            box.value = (box.value.replace(/\s+$/, "") + "\n" + skill.uri + "  " + label).replace(/^\n/, "");
            say(t("added", { label: label }));
          });
          results.appendChild(el("li", {}, el("span", {}, label + " ", el("span", { "class": "skill-code", text: "(" + skill.framework + ")" })), button));
        });
      }).catch(function () { say(t("no_answer")); });
  }

  // -- the werk-naar-werk bridge -------------------------------------------------------------------

  function renderBridge(view) {
    $("bridge").hidden = !view.skills;
    var body = $("bridge-body");
    clear(body);
    var b = view.bridge;
    if (!b) { return; }
    if (b.error) { body.appendChild(el("p", { "class": "missing", id: "bridge-error", "data-code": b.error.code, text: pick(b.error.message) })); return; }
    body.appendChild(el("p", { "class": "verdict-sentence", id: "bridge-summary", tabindex: "-1",
      text: counted("bridge_summary", b.essential.covered, { c: b.essential.covered, name: pick(b.target.shownLabel),
        essential: counted("n_essential", b.essential.total, { n: b.essential.total }) }) }));
    if (b.notComparedNote) { body.appendChild(el("p", { "class": "hint", id: "bridge-not-compared", text: pick(b.notComparedNote) })); }
    if (b.optional.total) { body.appendChild(el("p", { "class": "hint", text: t("bridge_optional", { c: b.optional.covered, n: b.optional.total }) })); }
    var list = el("ul", { "class": "skill-list", id: "bridge-list" });
    b.skills.forEach(function (skill) {
      var item = el("li", { "data-uri": skill.uri, "data-covered": skill.covered ? "true" : "false", "data-essential": skill.essential ? "true" : "false" },
        el("span", { "class": skill.covered ? "covered" : "missing", text: (skill.covered ? "✓ " : "✗ ") + (skill.covered ? t("covered") : t("missing")) + ": " }),
        pick(skill.shownLabel) + " ", el("span", { "class": "skill-code", text: "(" + t(skill.essential ? "essential" : "optional") + ")" }));
      if (skill.covered && skill.evidence.length) {
        item.appendChild(el("span", { "class": "hint" }, " (" + skill.evidence.map(function (e) { return e.title || pick(e.kindLabel); }).join(", ") + ")"));
      }
      list.appendChild(item);
    });
    body.appendChild(list);
    if (b.suggestions.length) {
      var missing = b.skills.filter(function (s) { return !s.covered; }).length;
      body.appendChild(el("h3", { text: t("suggestions_heading") }));
      var ideas = el("ul", { "class": "skill-list", id: "bridge-suggestions" });
      b.suggestions.forEach(function (s) {
        ideas.appendChild(el("li", { "data-crebo": s.crebo },
          t("suggestion_line", { name: s.name, crebo: s.crebo, k: s.closes.length, missing: counted("n_missing", missing, { n: missing }),
            pct: Math.round(s.share * 100) }) + " ",
          s.heldLabel ? el("strong", { "class": "held", "data-held": "", text: "(" + pick(s.heldLabel) + ") " }) : null,
          el("span", { "class": "hint", text: t("suggestion_basis", { basis: pick(s.basisLabel) }) })));
      });
      body.appendChild(ideas);
    }
    body.appendChild(el("p", { "class": "hint", id: "bridge-attribution", text: t("attribution", { text: b.attribution }) }));
  }

  function searchOccupations() {
    var query = $("occupation-search").value.trim();
    var results = $("occupation-results");
    clear(results);
    if (!query) { return; }
    fetch("api/occupations?" + new URLSearchParams({ q: query.slice(0, 100) }).toString())
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        clear(results);
        if (!answer.occupations || !answer.occupations.length) { results.appendChild(el("li", { text: t("no_results") })); return; }
        if (answer.ambiguous) { results.appendChild(el("li", { "class": "hint", text: t("ambiguous") })); }
        answer.occupations.forEach(function (occupation) {
          var label = pick(occupation.shownLabel);
          var button = el("button", { type: "button", "data-uri": occupation.uri, "aria-label": t("choose_label", { label: label }), text: t("choose") });
          button.addEventListener("click", function () {
            if (state.input) { verify(state.input.body, state.input.kind, false, occupation.uri, state.input.collection); }
          });
          results.appendChild(el("li", {}, el("span", {}, label + " "), button));
        });
        results.appendChild(el("li", { "class": "hint", text: t("attribution", { text: answer.attribution }) }));
      }).catch(function () { say(t("no_answer")); });
  }

  // -- the camera ----------------------------------------------------------------------------------

  function stopCamera(message) {
    if (state.timer) { window.clearTimeout(state.timer); state.timer = null; }
    if (state.stream) { state.stream.getTracks().forEach(function (track) { track.stop(); }); state.stream = null; }
    var video = $("video");
    video.srcObject = null;
    video.hidden = true;
    $("camera-stop").hidden = true;
    $("camera-start").hidden = false;
    if (message) { say(message); }
  }

  var QR_OPTIONS = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 };

  function qrReader() {  // zxing-wasm (static/vendor/README.md), its WebAssembly from this page, never from a CDN
    if (!state.zxing && window.ZXingWASM) {
      window.ZXingWASM.prepareZXingModule({ overrides: { locateFile: function (path, prefix) {
        return /\.wasm$/.test(path) ? new URL("static/vendor/" + path, document.baseURI).href : prefix + path;
      } } });
      state.zxing = window.ZXingWASM;
    }
    return state.zxing || null;
  }

  function seen(text) {  // what the camera does with the text of a QR code it read; true when it is done
    var isCode = /^SP[1-4P]:/.test(text);
    if (isCode && collectPart(text, true)) {
      return state.parts === null;  // one part of a numbered set: keep scanning until every part is read
    } else if (isCode && state.collectedTexts[text]) {
      say(t("camera_again"));  // already in the passport: keep looking for the next one
    } else if (isCode) {
      stopCamera(t("camera_found"));
      verify(text, "text", false);
      return true;
    } else {
      say(t("camera_other"));
    }
    return false;
  }

  function scanFrame() {
    state.timer = null;
    var video = $("video");
    var reader = qrReader();
    if (!state.stream) { return; }
    if (!(video.readyState >= 2 && video.videoWidth > 0 && reader)) {
      state.timer = window.setTimeout(scanFrame, SCAN_INTERVAL_MS);
      return;
    }
    var scale = Math.min(1, SCAN_WIDTH / video.videoWidth);
    var width = Math.round(video.videoWidth * scale);
    var height = Math.round(video.videoHeight * scale);
    var canvas = $("canvas");
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    reader.readBarcodes(context.getImageData(0, 0, width, height), QR_OPTIONS).then(function (codes) {
      var code = codes.filter(function (c) { return c.isValid && c.text; })[0];
      if (!state.stream || state.timer || (code && seen(code.text))) { return; }  // stopped, or started anew
      state.timer = window.setTimeout(scanFrame, SCAN_INTERVAL_MS);
    }).catch(function (error) {
      stopCamera(t("camera_unavailable", { reason: (error && error.name) || "?" }));
    });
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(t("camera_unavailable", { reason: "getUserMedia" }));
      return;
    }
    say(t("camera_starting"));
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 } }, audio: false })
      .then(function (stream) {
        state.stream = stream;
        var video = $("video");
        video.srcObject = stream;
        video.hidden = false;
        $("camera-start").hidden = true;
        $("camera-stop").hidden = false;
        $("camera-stop").focus();
        return video.play();
      }).then(function () {
        say(t("camera_scanning"));
        state.timer = window.setTimeout(scanFrame, SCAN_INTERVAL_MS);
      }).catch(function (error) {
        stopCamera(null);
        say(t("camera_unavailable", { reason: (error && error.name) || "?" }));
      });
  }

  // -- wiring --------------------------------------------------------------------------------------

  function start() {
    applyLanguage(firstLanguage());
    loadInfo();
    document.querySelectorAll("button.lang").forEach(function (button) {
      button.addEventListener("click", function () { applyLanguage(button.getAttribute("data-lang")); });
    });
    $("file").addEventListener("change", function (event) {
      verifyFiles(event.target.files);
      event.target.value = "";
    });
    $("paste-check").addEventListener("click", function () {
      var text = $("paste").value;
      if (!text.trim()) { say(t("empty_paste")); $("paste").focus(); return; }
      if (text.length > MAX_JSON) {
        say(t("file_too_large", { size: size(text.length), max: size(MAX_JSON) }));
        return;
      }
      if (text.trim().indexOf("\n") < 0 && collectPart(text.trim(), false)) { return; }
      verify(text, "text", false);
    });
    $("camera-start").addEventListener("click", startCamera);
    $("collection-clear").addEventListener("click", function () {
      resetCollection([]);
      showCollection();
      state.view = null;
      state.input = null;
      $("result").hidden = true;
      $("vacancy").hidden = true;
      say(t("collection_cleared"));
      $("file").focus();
    });
    $("camera-stop").addEventListener("click", function () { stopCamera(t("camera_stopped")); $("camera-start").focus(); });
    $("vacancy-check").addEventListener("click", function () {
      if (!vacancyLines().length) { say(t("vacancy_empty")); $("vacancy-input").focus(); return; }
      if (state.input) { verify(state.input.body, state.input.kind, true, null, state.input.collection); }
    });
    $("skill-search-button").addEventListener("click", search);
    $("occupation-search-button").addEventListener("click", searchOccupations);
    $("occupation-search").addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); searchOccupations(); }
    });
    $("skill-search").addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });
    var drop = $("drop");
    ["dragenter", "dragover"].forEach(function (name) {
      document.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      document.addEventListener(name, function (event) { event.preventDefault(); drop.classList.remove("dragging"); });
    });
    document.addEventListener("drop", function (event) {
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) { verifyFiles(files); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
