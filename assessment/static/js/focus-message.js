// After a form was sent, move focus to its result (a success message or the error summary), so that keyboard
// and screen-reader users land where the page answered. The markup also carries autofocus/tabindex="-1".
(function () {
  "use strict";
  function focusMessage() {
    var target = document.querySelector("[data-focus-on-load]") || document.querySelector(".error-summary");
    if (!target) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
    if (target.scrollIntoView) { target.scrollIntoView({ block: "center" }); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusMessage);
  } else {
    focusMessage();
  }
})();
