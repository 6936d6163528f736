// People picker: inputs marked data-people-picker get suggestions (name, e-mail, role) from the server while
// HR types, in the <datalist> their list attribute names. The field keeps working without this script: HR
// types the e-mail address. With data-multiple the field holds addresses separated by ";" and only the last
// one is looked up. No inline script anywhere, so a strict Content-Security-Policy holds.
(function () {
  "use strict";

  function splitLast(value, multiple) {
    if (!multiple) { return ["", value.trim()]; }
    var cut = value.lastIndexOf(";");
    return cut < 0 ? ["", value.trim()] : [value.slice(0, cut + 1) + " ", value.slice(cut + 1).trim()];
  }

  function roleFor(list) {
    var from = list.getAttribute("data-role-from");
    if (from) {
      var select = document.getElementById(from);
      return select && select.value === "manager" ? "manager" : "";
    }
    return list.getAttribute("data-role") || "";
  }

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var multiple = input.hasAttribute("data-multiple");
    var status = document.getElementById(input.id + "-matches");
    var create = document.getElementById(input.id + "-create");
    var timer = null;
    var asked = "";

    function updateCreateLink(term) {
      if (!create) { return; }
      var url = new URL(create.getAttribute("data-base-href"), window.location.href);
      if (term.indexOf("@") > 0) { url.searchParams.set("email", term); } else if (term) { url.searchParams.set("name", term); }
      create.href = url.pathname + url.search;
    }

    function show(results, prefix, term) {
      list.replaceChildren.apply(list, results.map(function (person) {
        var option = document.createElement("option");
        option.value = prefix + person.email;
        option.label = person.name + " · " + person.role;
        option.textContent = person.name + " · " + person.role;
        return option;
      }));
      if (status) {
        // The words come translated from the page (data- attributes on the status element), English otherwise.
        var words = !results.length ? status.getAttribute("data-none") || "Nobody matches “{term}”. Type the full e-mail address, or create the person."
          : results.length === 1 ? status.getAttribute("data-one") || "{count} person matches “{term}”."
          : status.getAttribute("data-many") || "{count} people match “{term}”.";
        status.textContent = words.replace("{count}", String(results.length)).replace("{term}", term);
      }
    }

    function lookUp() {
      var parts = splitLast(input.value, multiple);
      var term = parts[1];
      updateCreateLink(term);
      var key = roleFor(list) + "|" + term;
      if (term.length < 2 || key === asked) { return; }
      asked = key;
      var url = new URL(list.getAttribute("data-search-url"), window.location.href);
      url.searchParams.set("q", term);
      var role = roleFor(list);
      if (role) { url.searchParams.set("role", role); }
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (splitLast(input.value, multiple)[1] === term) { show(data.results || [], parts[0], term); } })
        .catch(function () { /* offline: the field still takes a typed address */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 150);
    });
  }

  document.querySelectorAll("input[data-people-picker]").forEach(setUp);
}());
