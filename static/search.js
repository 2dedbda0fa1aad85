// Search as you type. The ranking is plain functions (also run by the tests in Node); the data is a script
// loaded on first use, so search works from file:// too and pages that are only read never load it.
var StatusSearch = (function () {
  "use strict";
  var STOP = { http: 1, https: 1, status: 1, code: 1, codes: 1, error: 1, response: 1, the: 1, a: 1, an: 1, is: 1, what: 1, mean: 1, means: 1, meaning: 1 };

  function normalize(text) {
    return String(text).toLowerCase().replace(/[\u2019']/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  }

  function words(text) {
    var found = normalize(text);
    return found ? found.split(" ") : [];
  }

  // Each entry's fields as word lists, most telling first; computed once when the data arrives.
  function prepare(rows) {
    return rows.map(function (row) {
      return {
        row: row,
        number: String(row.c),
        title: normalize(row.t),
        fields: [words(row.t), words((row.n || []).join(" ")), words(row.k || ""), words(row.s || ""), words(row.w || "")],
        // Pages about several codes (comparisons, which have no number) come after the codes that match as well.
        weight: row.c === "" ? 0.5 : 1
      };
    });
  }

  var WEIGHTS = [60, 45, 20, 12, 8];

  function termScore(entry, term) {
    if (/^[0-9]+$/.test(term)) {
      if (entry.number === term) return 1000;
      if (entry.number.indexOf(term) === 0) return 100;
      return /^[1-5]xx$/.test(entry.number) && entry.number.charAt(0) === term.charAt(0) && term.length === 1 ? 200 : 0;
    }
    if (/^[1-5]xx$/.test(term)) return entry.number === term ? 1000 : (entry.number.charAt(0) === term.charAt(0) ? 5 : 0);
    var best = 0;
    entry.fields.forEach(function (field, index) {
      for (var i = 0; i < field.length; i++) {
        var weight = field[i] === term ? WEIGHTS[index] : (term.length > 2 && field[i].indexOf(term) === 0 ? WEIGHTS[index] * 0.6 : 0);
        if (weight > best) best = weight;
      }
    });
    return best;
  }

  function score(entry, query, terms, full) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var part = termScore(entry, terms[i]);
      if (!part) return 0;
      total += part;
    }
    if (entry.title === query || entry.title === full) total += 200;
    else if (entry.title.indexOf(query) === 0) total += 100;
    else if (query.length > 3 && entry.title.indexOf(query) >= 0) total += 50;
    return total * entry.weight;
  }

  // Entries matching every word of the query (numbers, words, classes), best first.
  function rank(entries, text) {
    var all = words(text);
    var terms = all.filter(function (term) { return !STOP[term]; });
    if (!terms.length) terms = all;
    if (!terms.length) return [];
    var query = terms.join(" ");
    var full = all.join(" ");
    return entries
      .map(function (entry) { return { entry: entry, score: score(entry, query, terms, full) }; })
      .filter(function (hit) { return hit.score > 0; })
      .sort(function (a, b) {
        return b.score - a.score || (a.entry.number === "") - (b.entry.number === "") || (a.entry.number < b.entry.number ? -1 : 1);
      })
      .map(function (hit) { return hit.entry.row; });
  }

  return { normalize: normalize, prepare: prepare, rank: rank };
})();

if (typeof module !== "undefined") module.exports = StatusSearch;

if (typeof document !== "undefined") (function () {
  "use strict";
  var box = document.querySelector(".search");
  if (!box) return;
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var root = document.documentElement.getAttribute("data-root") || "";
  var entries = null, waiting = false, found = [], active = -1, showAll = false;
  var SHOWN = 10;
  box.classList.add("ready");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", "search-results");
  input.setAttribute("aria-autocomplete", "list");

  function load() {
    if (entries || waiting) return;
    waiting = true;
    var script = document.createElement("script");
    script.src = box.getAttribute("data-index");
    script.onload = function () { entries = StatusSearch.prepare(window.STATUS_CODES || []); render(); };
    document.head.appendChild(script);
  }

  function option(row, index) {
    var item = document.createElement("li");
    item.setAttribute("role", "presentation");
    var link = document.createElement("a");
    link.id = "search-option-" + index;
    link.href = root + row.u;
    link.setAttribute("role", "option");
    link.setAttribute("aria-selected", "false");
    var name = document.createElement("strong");
    name.textContent = (row.c ? row.c + " " : "") + row.t;
    link.appendChild(name);
    var more = row.n && row.n.length ? " (also " + row.n.join(", ") + ")" : "";
    if (row.s || more) {
      var summary = document.createElement("span");
      summary.className = "summary";
      summary.textContent = (row.s || "") + more;
      link.appendChild(summary);
    }
    link.addEventListener("mousedown", function (event) { event.preventDefault(); });
    item.appendChild(link);
    return item;
  }

  function render() {
    var text = input.value.trim();
    if (text && !entries) return load();
    found = text ? StatusSearch.rank(entries, text) : [];
    var shown = showAll ? found : found.slice(0, SHOWN);
    active = shown.length ? 0 : -1;
    list.textContent = "";
    shown.forEach(function (row, index) { list.appendChild(option(row, index)); });
    if (found.length > shown.length) {
      var item = document.createElement("li");
      item.setAttribute("role", "presentation");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "show-all";
      button.textContent = "Show all " + found.length + " matches";
      button.addEventListener("mousedown", function (event) { event.preventDefault(); showAll = true; render(); });
      item.appendChild(button);
      list.appendChild(item);
    } else if (text && !found.length) {
      var none = document.createElement("li");
      none.setAttribute("role", "presentation");
      none.className = "none";
      none.textContent = "No codes match \u201c" + text + "\u201d.";
      list.appendChild(none);
    }
    open(text !== "");
    status.textContent = text ? (found.length ? found.length + (found.length === 1 ? " code found" : " codes found") : "No codes match") : "";
    highlight();
  }

  function open(yes) {
    list.hidden = !yes;
    input.setAttribute("aria-expanded", yes && found.length ? "true" : "false");
  }

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function highlight() {
    Array.prototype.forEach.call(options(), function (link, index) {
      link.setAttribute("aria-selected", index === active ? "true" : "false");
    });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", "search-option-" + active);
      options()[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () { showAll = false; render(); });
  input.addEventListener("keydown", function (event) {
    var count = options().length;
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && count) {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + count) % count;
      highlight();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].href;
    } else if (event.key === "Escape") {
      event.preventDefault();  // a search field would clear itself at once: the first Escape only closes
      if (!list.hidden) { open(false); } else { input.value = ""; render(); }
    }
  });
  input.addEventListener("blur", function () { open(false); });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
})();
