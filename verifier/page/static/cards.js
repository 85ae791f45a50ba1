/* skillspas verifier pages: the one drawing of a credential of build_view's view (verifier/page/view.py),
 * for both pages: the laptop's (static/app.js) and the phone's (browser/page/app.mjs, which the static build
 * gives this file too). Text nodes only (no HTML strings).
 *
 *   var cards = window.SkillspasCards({ t: t, pick: pick, lang: function () { return state.lang; } });
 *   cards.credentialCard(credential, numbered); cards.el(...); cards.date(iso); cards.party(who, role); cards.ICONS
 *   cards.counted(key, count, values): t(key) or, for a count of 1, t(key + "_one")
 */
(function () {
  "use strict";

  var ICONS = { valid: "✓", warning: "!", invalid: "✗", unusable: "?" };

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === "text") { node.textContent = value; } else { node.setAttribute(name, value === true ? "" : value); }
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) { continue; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // The drawing for a page's words: t(key, values), pick({nl, en}) and lang() (the language shown now).
  window.SkillspasCards = function (page) {
    var t = page.t;
    var pick = page.pick;

    function date(iso) {
      if (!iso) { return ""; }
      var parsed = new Date(iso);
      if (isNaN(parsed.getTime())) { return iso; }
      try {
        return parsed.toLocaleDateString(page.lang() === "nl" ? "nl-NL" : "en-GB",
          { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
      } catch (e) {
        return iso.slice(0, 10);
      }
    }

    function counted(key, count, values) {  // the words for a count: their "_one" form (texts.py WORDS) for 1
      return t(count === 1 ? key + "_one" : key, values);
    }

    function fact(list, label, value, key) {
      if (value === null || value === undefined || value === "") { return; }
      list.appendChild(el("dt", { text: label }));
      list.appendChild(el("dd", { "data-fact": key }, value));
    }

    function party(who, role) {  // a name: where it comes from, and the DID
      var wrap = el("span", {});
      var source = who.source === "trustList" ? t("on_trust_list") : who.source === "credential" ? t("as_stated") : t("no_name");
      wrap.appendChild(el("strong", { text: who.name || who.did || "" }));
      if (role) { wrap.appendChild(document.createTextNode(" (" + role + ")")); }
      wrap.appendChild(el("span", { "class": "source" }, " — " + source));
      if (who.did && who.name) { wrap.appendChild(el("span", { "class": "did" }, " " + who.did)); }
      return wrap;
    }

    function credentialCard(c, numbered) {
      var title = c.title || pick(c.kind);  // none for one that failed: what it claims is said below, marked so
      var number = t("credential_n", { n: c.index + 1 });
      var heading = el("h3", { id: "cred-" + c.index + "-h",
        text: numbered ? number + (title ? ": " + title : "") : (title || number) });
      var badge = el("span", { "class": "badge badge-" + c.verdict }, (ICONS[c.verdict] || "") + " " + pick(c.heading));
      var card = el("article", { "class": "credential c-" + c.verdict, "data-verdict": c.verdict, "aria-labelledby": "cred-" + c.index + "-h" });
      var body = card;
      if (numbered) {  // a passport: one line per credential, opened on demand (a failed one is open)
        body = el("details", { open: c.verdict !== "valid" }, el("summary", {}, heading, " ", badge));
        card.appendChild(body);
      } else {
        card.appendChild(heading);
        card.appendChild(badge);
      }
      credentialFacts(body, c);
      return card;
    }

    function credentialFacts(body, c) {
      if (c.code || !c.issuer) {  // not verified: why, and what its file claims only on a line that says so
        body.appendChild(el("p", { text: pick(c.sentence) }));
        if (c.claimed) { body.appendChild(el("p", { "class": "claimed", "data-claimed": "" }, pick(c.claimed))); }
        if (c.code) {
          body.appendChild(el("p", { "class": "verdict-code" }, t("support_code") + ": ", el("code", { text: c.code }), c.detail ? " — " + pick(c.detail) : ""));
        }
        return;
      }
      var facts = el("dl", { "class": "facts" });
      fact(facts, t("kind"), pick(c.kind), "kind");
      fact(facts, t("issuer"), party(c.issuer, null), "issuer");
      fact(facts, t("holder"), c.subjectName, "holder");
      fact(facts, t("awarded"), date(c.awarded), "awarded");
      fact(facts, t("valid_from"), date(c.validFrom), "validFrom");
      fact(facts, t("valid_until"), c.validUntil ? date(c.validUntil) : t("no_end"), "validUntil");
      (c.facts || []).forEach(function (f) {  // what it proves, per the catalogue of types
        var lines = pick(f.text).split("\n");
        var value = lines.length === 1 ? lines[0] : el("ul", { "class": "fact-lines" });
        if (lines.length > 1) { lines.forEach(function (line) { value.appendChild(el("li", { text: line })); }); }
        fact(facts, pick(f.label), value, f.key);
      });
      if (c.signers && c.signers.length) {
        var signers = el("ul", { "class": "signers" });
        c.signers.forEach(function (s) {
          signers.appendChild(el("li", {}, party(s, s.role === "issuer" ? t("role_issuer") : t("role_cosigner"))));
        });
        fact(facts, t("signed_by"), signers, "signers");
      }
      body.appendChild(facts);
      (c.warnings || []).forEach(function (w) {
        body.appendChild(el("p", { "class": "verdict-next" }, el("strong", { text: t("warnings") + ": " }), pick(w.sentence)));
      });
      body.appendChild(el("h4", { text: t("skills") }));
      if (!c.skills || !c.skills.length) {
        body.appendChild(el("p", { text: t("no_skills") }));
        return;
      }
      var list = el("ul", { "class": "skill-list" });
      c.skills.forEach(function (s) {
        list.appendChild(el("li", { "data-uri": s.uri, "data-established": s.established || "" }, pick(s.shownLabel) + " ",
          el("span", { "class": "skill-code" }, "(" + (s.framework || "?") + ")"),
          s.establishedLabel ? el("span", { "class": "hint" }, " — " + pick(s.establishedLabel)) : ""));
      });
      body.appendChild(list);
    }

    return { ICONS: ICONS, el: el, date: date, counted: counted, party: party, credentialCard: credentialCard };
  };
}());
