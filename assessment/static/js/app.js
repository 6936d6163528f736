/* Every page: focus to the message after a form was sent, and labels for tables shown as cards on a phone.
   A file of its own (no inline script) so that a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  /* After a failed POST the error summary takes the focus; after a success (a redirect with a message), the
     message does, so that a screen reader says what happened. A link to a #fragment keeps its own target. */
  function focusMessage() {
    var target = document.getElementById("error-summary") || document.querySelector("main > .flash[role=status]");
    if (!target || (location.hash && location.hash.length > 1)) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    if (document.activeElement !== target) target.focus();
  }

  /* Tables with class "cards" become stacked cards on a phone (app.css); each cell is then labelled with its
     column's header. Cells that carry their own data-label (even an empty one) keep it. */
  function labelCards() {
    Array.prototype.forEach.call(document.querySelectorAll("table.cards"), function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        var hidden = th.querySelector(".visually-hidden");
        if (hidden && hidden.textContent.trim() === th.textContent.trim()) return "";  // e.g. "Actions": no label
        var copy = th.cloneNode(true);
        Array.prototype.forEach.call(copy.querySelectorAll("[aria-hidden=true]"), function (el) { el.remove(); });
        return copy.textContent.replace(/\s+/g, " ").trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
  }

  function start() {
    labelCards();
    focusMessage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}());
