// Search as you type, from data loaded as a script (so it works from file:// too).
(function () {
  "use strict";
  var codes = window.STATUS_CODES || [];
  var box = document.querySelector(".search");
  if (!box || !codes.length) return;
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var root = document.documentElement.getAttribute("data-root") || "";
  var active = -1;
  var shown = [];
  box.hidden = false;
  // The field is a combobox only while this script runs; without it there is no search box at all.
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", "search-results");
  input.setAttribute("aria-autocomplete", "list");

  function words(text) {
    return text.toLowerCase().replace(/[^a-z0-9' ]+/g, " ").split(/\s+/).filter(Boolean);
  }

  function score(entry, query, terms) {
    var number = String(entry.c);
    if (number === query) return 100;
    if (/^\d+$/.test(query)) return number.indexOf(query) === 0 ? 90 - number.length : 0;
    var title = entry.t.toLowerCase();
    var names = entry.n.join(" | ").toLowerCase();
    var haystack = title + " | " + names + " | " + entry.s.toLowerCase();
    if (title === query) return 80;
    if (title.indexOf(query) === 0) return 70;
    if (title.indexOf(query) >= 0 || names.indexOf(query) >= 0) return 60;
    for (var i = 0; i < terms.length; i++) {
      if (haystack.indexOf(terms[i]) < 0) return 0;
    }
    return haystack.indexOf(query) >= 0 ? 40 : 20;
  }

  function search(query) {
    query = query.trim().toLowerCase();
    if (!query) return [];
    var terms = words(query);
    return codes
      .map(function (entry) { return { entry: entry, score: score(entry, query, terms) }; })
      .filter(function (hit) { return hit.score > 0; })
      .sort(function (a, b) { return b.score - a.score || a.entry.c - b.entry.c; })
      .slice(0, 10)
      .map(function (hit) { return hit.entry; });
  }

  function option(entry, index) {
    var item = document.createElement("li");
    item.id = "search-option-" + index;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.dataset.href = root + entry.u;
    var name = document.createElement("strong");
    name.textContent = entry.c + " " + entry.t;
    item.appendChild(name);
    var more = entry.n.length ? " (formerly " + entry.n.join(", ") + ")" : "";
    if (entry.s || more) {
      var summary = document.createElement("span");
      summary.className = "summary";
      summary.textContent = (entry.s || "") + more;
      item.appendChild(summary);
    }
    item.addEventListener("mousedown", function (event) {
      event.preventDefault();
      window.location.href = item.dataset.href;
    });
    return item;
  }

  function render() {
    shown = search(input.value);
    active = shown.length ? 0 : -1;
    list.textContent = "";
    shown.forEach(function (entry, index) { list.appendChild(option(entry, index)); });
    var open = input.value.trim() !== "";
    list.hidden = !shown.length;
    input.setAttribute("aria-expanded", shown.length ? "true" : "false");
    status.textContent = open ? shown.length + (shown.length === 1 ? " code found" : " codes found") : "";
    highlight();
  }

  function highlight() {
    Array.prototype.forEach.call(list.children, function (item, index) {
      item.setAttribute("aria-selected", index === active ? "true" : "false");
    });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", "search-option-" + active);
      list.children[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  input.addEventListener("input", render);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!shown.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + shown.length) % shown.length;
      highlight();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = list.children[active].dataset.href;
    } else if (event.key === "Escape") {
      input.value = "";
      render();
    }
  });
  input.addEventListener("blur", function () { list.hidden = true; input.setAttribute("aria-expanded", "false"); });
  input.addEventListener("focus", function () { if (shown.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
})();
