/* The rating sheet's places: one competency per screen on a phone, and the focus back where the rater was after
   a reload. A file of its own beside sheet.js (no inline script: the Content-Security-Policy holds); everything
   here is an addition, and without it every competency is on the page. */
(function () {
  "use strict";

  var form = document.querySelector("form.sheet[data-autosave]");
  if (!form) return;
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset.competency[data-competency]"));

  /* The words, translated by the page (data- attributes); English when an attribute is missing. */
  function word(name, fallback) { return form.getAttribute("data-" + name) || fallback; }
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }

  /* One competency per screen on a phone (up to 600 px wide), with Previous/Next, its place ("3 of 15") and a
     button to see them all; links to a competency (the jump list, the error summary, the skip link) turn to its
     page. Without the script, or wider, every competency is on the page. */
  var body = form.querySelector(".sheet-body");
  var phone = window.matchMedia ? window.matchMedia("(max-width: 37.5rem)") : null;
  var STORE = "opsladder.sheet:" + location.pathname;
  var current = 0;
  var pager = null;

  function stored(key) { try { return sessionStorage.getItem(STORE + key); } catch (e) { return null; } }
  function store(key, value) {
    try { if (value === null) sessionStorage.removeItem(STORE + key); else sessionStorage.setItem(STORE + key, value); }
    catch (e) { /* private mode: nothing remembered */ }
  }

  function paged() { return !!(phone && phone.matches) && stored(":all") !== "1"; }

  function button(name, kind, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.setAttribute("data-page", name);
    if (kind) b.className = kind;
    b.textContent = text;
    return b;
  }

  function makePager() {
    pager = document.createElement("nav");
    pager.className = "sheet-pager";
    pager.setAttribute("aria-label", word("pager-label", "Competencies"));
    pager.appendChild(button("prev", "secondary", word("pager-previous", "← Previous")));
    var place = document.createElement("span");
    place.className = "pager-place";
    pager.appendChild(place);
    pager.appendChild(button("next", "", word("pager-next", "Next →")));
    pager.appendChild(button("all", "secondary outline", ""));
    body.appendChild(pager);
    pager.addEventListener("click", function (event) {
      var name = event.target.closest("button") && event.target.closest("button").getAttribute("data-page");
      if (name === "prev" || name === "next") turnTo(current + (name === "next" ? 1 : -1), true);
      if (name === "all") {
        store(":all", paged() ? "1" : null);
        var at = fieldsets[current];
        layout();
        at.scrollIntoView({ block: "start" });
      }
    });
  }

  function layout() {
    if (!body || !fieldsets.length) return;
    if (!pager && phone && phone.matches) makePager();
    var on = paged();
    body.classList.toggle("paged", on);
    fieldsets.forEach(function (fieldset, i) { fieldset.hidden = on && i !== current; });
    if (!pager) return;
    pager.hidden = !(phone && phone.matches);
    pager.querySelector("[data-page=prev]").hidden = !on;
    pager.querySelector("[data-page=next]").hidden = !on;
    pager.querySelector("[data-page=prev]").disabled = current === 0;
    pager.querySelector("[data-page=next]").disabled = current === fieldsets.length - 1;
    setText(pager.querySelector(".pager-place"), on ? word("pager-place", "{current} of {total}")
      .replace("{current}", String(current + 1)).replace("{total}", String(fieldsets.length)) : "");
    setText(pager.querySelector("[data-page=all]"), on ? word("pager-all", "Show all competencies")
      : word("pager-one", "One competency per screen"));
  }

  /* Show the competency at ``index`` (paged), and with ``focus`` move there: its fieldset takes the focus, so a
     screen reader says which competency this is. */
  function turnTo(index, focus) {
    current = Math.max(0, Math.min(fieldsets.length - 1, index));
    layout();
    var fieldset = fieldsets[current];
    remember(fieldset, null);
    if (focus) {
      fieldset.setAttribute("tabindex", "-1");
      fieldset.focus({ preventScroll: true });
      fieldset.scrollIntoView({ block: "start" });
    }
  }

  function competencyOf(element) { return element && element.closest ? element.closest("fieldset.competency") : null; }

  /* A link to somewhere inside a competency (#level_..., #evidence_...): on a phone, turn to its page first. */
  function showTarget(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    var fieldset = competencyOf(target);
    var index = fieldsets.indexOf(fieldset);
    if (index !== -1 && index !== current) {
      current = index;
      layout();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (link) showTarget(link.getAttribute("href"));
  }, true);
  window.addEventListener("hashchange", function () { showTarget(location.hash); });
  if (phone && phone.addEventListener) phone.addEventListener("change", layout);

  /* Where the rater is: the competency (and the control in it) last focused, kept for this tab, so that after a
     reload (a saved draft, a refused post, the browser's reload) the focus comes back there. */
  function remember(fieldset, control) {
    var id = fieldset.getAttribute("data-competency");
    store(":at", JSON.stringify({ competency: id, control: control ? control.id : "" }));
  }
  form.addEventListener("focusin", function (event) {
    var fieldset = competencyOf(event.target);
    if (fieldset && event.target !== fieldset) {
      remember(fieldset, event.target);
      var index = fieldsets.indexOf(fieldset);
      if (index !== -1) current = index;
    }
  });
  form.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) store(":posted", "1");
  });

  function returnToPlace() {
    var posted = stored(":posted") === "1";
    store(":posted", null);
    var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var reloaded = navigation && navigation.type === "reload";
    var place = null;
    try { place = JSON.parse(stored(":at") || "null"); } catch (e) { place = null; }
    if (!place || !(posted || reloaded)) return;
    var fieldset = form.querySelector('fieldset.competency[data-competency="' + place.competency + '"]');
    if (!fieldset) return;
    current = fieldsets.indexOf(fieldset);
    layout();
    if (document.getElementById("error-summary")) return;  // a problem to read first: the summary keeps the focus
    var control = place.control ? document.getElementById(place.control) : null;
    if (!control) control = fieldset.querySelector("input[type=radio]:checked");
    if (!control) control = fieldset.querySelector("input, textarea, select");
    if (!control || !fieldset.contains(control)) return;
    function focusControl() {
      control.focus({ preventScroll: true });
      control.scrollIntoView({ block: "center" });
    }
    focusControl();
    // A #fragment in the address (a jump-list link before the post) is scrolled to once the page has loaded,
    // which takes the focus away again: give it back then.
    if (location.hash.length > 1 && document.readyState !== "complete") {
      window.addEventListener("load", function () { setTimeout(focusControl, 0); });
    }
    // The server's message ("Draft saved ...") no longer has the focus: it is written into its live region again,
    // so that a screen reader still says it.
    var message = document.querySelector("main > .flash[role=status]");
    if (message) {
      var text = message.textContent;
      message.textContent = "";
      setTimeout(function () { message.textContent = text; }, 150);
    }
  }

  if (location.hash.length > 1) showTarget(location.hash);
  layout();
  returnToPlace();
}());
