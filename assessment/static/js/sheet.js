/* The rating sheet: live summary and jump list, evidence notes, background saving of drafts, a warning before
   leaving with unsaved changes, and a confirmation dialog before Submit.

   A file of its own (no inline script) so that a strict Content-Security-Policy holds. Everything here is an
   addition: without JavaScript the sheet works through its buttons, and the server checks every rule again. */
(function () {
  "use strict";

  var form = document.querySelector("form.sheet[data-autosave]");
  if (!form) return;

  var SAVE_DELAY_MS = 1500;  // after the last keystroke or click
  var evidenceFor = (form.getAttribute("data-evidence-for") || "").split(" ");
  var noteTemplate = form.getAttribute("data-evidence-note") || "Evidence is required for “{level}”.";
  var fromMean = parseFloat(form.getAttribute("data-evidence-from-mean") || "");  // NaN: no such rule
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset.competency[data-competency]"));
  var summary = document.getElementById("sheet-summary");
  var status = document.getElementById("save-status");
  var alertBox = document.getElementById("save-alert");
  var dialog = document.getElementById("submit-dialog");
  var version = form.querySelector("input[name=version]");

  /* The words, translated by the page (data- attributes); English when an attribute is missing. */
  function word(name, fallback) { return form.getAttribute("data-" + name) || fallback; }

  var edits = 0;          // changes typed so far; a save covers the edits made before it was sent
  var savedEdits = 0;     // edits covered by the last successful save
  var timer = null;
  var inFlight = null;
  var stopped = false;    // after a conflict: saving again would only be refused again
  var leaving = false;    // the form is being posted: no warning for that

  function answerOf(fieldset) {
    var checked = fieldset.querySelector("input[type=radio]:checked");
    if (!checked) return null;
    var name = checked.closest("label").querySelector(".level-name");
    return { value: checked.value, label: name ? name.textContent.trim() : checked.value };
  }

  /* The mean of the levels chosen on this sheet (not "not observed"), or null when none is chosen yet. */
  function ownMean() {
    var levels = [];
    fieldsets.forEach(function (fieldset) {
      var answer = answerOf(fieldset);
      var level = answer ? parseInt(answer.value, 10) : NaN;
      if (!isNaN(level)) levels.push(level);
    });
    if (!levels.length) return null;
    return levels.reduce(function (a, b) { return a + b; }, 0) / levels.length;
  }

  function number(value) {
    var lang = document.documentElement.getAttribute("lang") || "en";
    try { return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(value); }
    catch (e) { return String(Math.round(value * 100) / 100); }
  }

  /* Why an answer needs evidence, in the order of the server's rules (rubrics.sheet.evidence_reasons): a listed
     value (the extremes, "not observed"), a level at or above a critical requirement, a level far from the mean. */
  function noteFor(fieldset, answer, mean) {
    if (evidenceFor.indexOf(answer.value) !== -1) return noteTemplate.replace("{level}", answer.label);
    var level = parseInt(answer.value, 10);
    if (isNaN(level)) return null;
    var from = parseInt(fieldset.getAttribute("data-evidence-from") || "", 10);
    if (!isNaN(from) && level >= from) {
      return word("evidence-note-at-critical-requirement", "Written evidence is required for a level at or above the requirement " +
                  "({required}) on a critical competency.").replace("{required}", String(from));
    }
    if (!isNaN(fromMean) && mean !== null && Math.abs(level - mean) >= fromMean - 1e-9) {
      return word("evidence-note-from-own-mean", "Written evidence is required for a level {distance} or more levels from " +
                  "your own average ({mean}).").replace("{distance}", number(fromMean)).replace("{mean}", number(mean));
    }
    return null;
  }

  /* One competency's state: answered or not, whether its answer needs evidence (and why), whether that is still
     missing. */
  function stateOf(fieldset, mean) {
    var answer = answerOf(fieldset);
    var box = fieldset.querySelector("textarea");
    var note = answer ? noteFor(fieldset, answer, mean) : null;
    var needs = note !== null;
    return { answer: answer, box: box, needs: needs, note: note, missing: needs && !(box && box.value.trim()) };
  }

  /* Where and how long a level was seen (rubric 2026.12.4): shown from the target requirement up (as the server
     renders it); true when needed and not filled in. */
  function situationMissing(fieldset, answer) {
    var box = fieldset.querySelector(".situation[data-situation-from]");
    if (!box) return false;
    var level = answer ? parseInt(answer.value, 10) : NaN;
    var from = parseInt(box.getAttribute("data-situation-from"), 10);
    var needed = !isNaN(level) && level >= from;
    box.hidden = !needed;
    if (!needed) return false;
    var where = box.querySelector("select[name^=seen_in_]");
    var howLong = box.querySelector("input[name^=seen_for_]");
    return !(where && where.value) || !(howLong && howLong.value.trim());
  }

  function refresh() {
    var rated = 0;
    var missing = 0;
    var situations = 0;
    var mean = ownMean();
    fieldsets.forEach(function (fieldset) {
      var s = stateOf(fieldset, mean);
      var id = fieldset.getAttribute("data-competency");
      if (s.answer) rated += 1;
      if (s.missing) missing += 1;
      if (situationMissing(fieldset, s.answer)) situations += 1;
      var note = fieldset.querySelector(".evidence-needed");
      if (note) {
        note.hidden = !s.needs;
        setText(note, s.needs ? s.note : "");
        note.classList.toggle("is-missing", s.missing);
      }
      if (s.box) s.box.setAttribute("aria-required", s.needs ? "true" : "false");
      var item = document.querySelector('.jump-list li[data-competency="' + id + '"]');
      if (item) {
        var state = item.querySelector(".state");
        item.className = !s.answer ? "unrated" : s.missing ? "missing" : "rated";
        state.textContent = !s.answer ? (summary.getAttribute("data-not-done") || "Not rated")
          : s.missing ? (summary.getAttribute("data-needed") || "{answer}, evidence needed").replace("{answer}", s.answer.label)
          : s.answer.label;
      }
    });
    if (summary) {
      var words = summary.querySelector("[data-words=missing]");
      setText(summary.querySelector("[data-count=rated]"), String(rated));
      setText(summary.querySelector("[data-count=missing]"), String(missing));
      setText(words, summary.getAttribute(missing === 1 ? "data-missing-one" : "data-missing-many"));
    }
    var relationship = Array.prototype.slice.call(form.querySelectorAll("fieldset.relationship select"));
    var unanswered = relationship.filter(function (select) { return !select.value; }).length;
    return { rated: rated, missing: missing, total: fieldsets.length, situations: situations + unanswered };
  }

  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;  // unchanged text is not announced again
  }

  function say(text) { setText(status, text); }

  function warn(text, withReloadLink) {
    alertBox.textContent = text;
    if (withReloadLink) {
      var link = document.createElement("a");
      link.href = location.pathname;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = word("open-saved", "Open the saved version in a new tab");
      alertBox.appendChild(document.createTextNode(" "));
      alertBox.appendChild(link);
    }
    alertBox.hidden = false;
  }

  function dirty() { return edits !== savedEdits; }

  function changed() {
    edits += 1;
    refresh();
    if (stopped) return;
    say(word("unsaved-changes", "Unsaved changes…"));
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  }

  /* Save a draft in the background: the same POST as "Save draft", answered in JSON. */
  function save() {
    timer = null;
    if (stopped || leaving) return Promise.resolve();
    if (inFlight) {  // one save at a time; the next one starts when this one is answered
      return inFlight.then(function () { if (dirty()) return save(); });
    }
    var sent = edits;
    var data = new FormData(form);
    data.delete("confirm");
    data.set("action", "save");
    say(word("saving", "Saving…"));
    inFlight = fetch(location.pathname, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") || "" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // A redirect to the sign-in page, or an error page: the answers were not saved.
        var problem = new Error(response.redirected ? "signed-out" : "status");
        problem.reason = word("server-error", "error {code}").replace("{code}", String(response.status));
        throw problem;
      }
      return response.json().then(function (body) { answered(response.status, body, sent); });
    }).catch(function (error) {
      say(word("not-saved", "Not saved."));
      if (error && error.message === "signed-out") {
        warn(word("signed-out", "You have been signed out, so your latest answers were not saved. Keep this page " +
                  "open, sign in again in another tab, then press Save draft here."));
      } else {
        warn(word("save-failed", "Your latest answers could not be saved automatically ({reason}). They are still " +
                  "on this page: press Save draft, or keep typing and we try again.")
             .replace("{reason}", error && error.reason || word("no-connection", "no connection")));
      }
    }).then(function () { inFlight = null; });
    return inFlight;
  }

  function answered(code, body, sent) {
    if (body.saved) {
      if (version) version.value = String(body.version);
      savedEdits = sent;
      alertBox.hidden = true;
      say(dirty() ? word("unsaved-changes", "Unsaved changes…") : body.message);
      if (dirty() && !timer) timer = setTimeout(save, SAVE_DELAY_MS);
      return;
    }
    say(word("not-saved", "Not saved."));
    if (body.conflict) stopped = true;
    warn(body.message || word("save-error", "The answers could not be saved (error {code}).").replace("{code}", code),
         !!body.conflict);
  }

  form.addEventListener("input", changed);  // typing, and choosing a level (radios fire "input" too)

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !dirty()) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers show their own words; the text is not ours to set
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var submitting = button && button.value === "submit";
    var confirmed = !!form.querySelector("input[name=confirm]");
    var counts = refresh();
    var complete = counts.rated === counts.total && counts.missing === 0 && counts.situations === 0;
    // Incomplete: posted as it is, and the server lists what is missing beside each competency.
    if (submitting && !confirmed && complete && dialog && typeof dialog.showModal === "function") {
      event.preventDefault();  // complete: ask here, then submit in one step
      dialog.showModal();
      return;
    }
    if (inFlight) {  // wait for the background save, then post with the version it got back
      event.preventDefault();
      inFlight.then(function () { form.requestSubmit(button); });
      return;
    }
    clearTimeout(timer);
    leaving = true;
  });

  if (dialog) {
    dialog.addEventListener("click", function (event) {
      var choice = event.target.getAttribute && event.target.getAttribute("data-dialog");
      if (choice === "cancel") dialog.close();
      if (choice === "confirm") {
        var confirm = document.createElement("input");
        confirm.type = "hidden";
        confirm.name = "confirm";
        confirm.value = "y";
        form.appendChild(confirm);
        dialog.close();
        form.requestSubmit(form.querySelector("button[name=action][value=submit]"));
      }
    });
  }

  // The jump list comes folded, so that on a phone the first competency is in view; beside the sheet on a wide
  // screen it opens.
  var jump = form.querySelector("details.jump");
  if (jump && window.matchMedia && window.matchMedia("(min-width: 64rem)").matches) jump.open = true;


  refresh();
  // A page sent back by the server (a problem, a conflict) holds answers that are not saved yet.
  var unsaved = form.getAttribute("data-unsaved");
  if (unsaved) {
    edits = 1;
    say(word("page-unsaved", "Your answers on this page are not saved yet."));
    if (unsaved === "conflict") stopped = true;
    else timer = setTimeout(save, SAVE_DELAY_MS);
  }
}());
