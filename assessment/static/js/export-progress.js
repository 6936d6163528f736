/* The export page: update the progress bar without full reloads (the page's meta refresh does the same
   without JavaScript). The sentences come translated from the page (data-queued-text, data-running-text
   with {done} and {total}). */
(function () {
  var box = document.getElementById("export");
  var meta = document.querySelector('meta[http-equiv="refresh"]');
  if (!box || !window.fetch) return;
  if (meta) meta.parentNode.removeChild(meta);
  function running(s) {
    return (box.dataset.runningText || "").replace("{done}", s.done).replace("{total}", s.total);
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      var bar = document.getElementById("export-progress");
      bar.max = s.total || 1; bar.value = s.done;
      if ((s.state === "queued" || s.state === "running") && !s.stalled) {
        document.getElementById("export-state").textContent = s.state === "queued" ? box.dataset.queuedText : running(s);
        setTimeout(poll, 1000);
      } else {
        window.location.reload();
      }
    }).catch(function () { setTimeout(function () { window.location.reload(); }, 2000); });
  }
  setTimeout(poll, 1000);
})();
