/* clientlens HTML report: table sorting, the findings filters, opening a folded document when a
   link points into it, and the "colours off" switch. No network, no libraries. */
(function () {
  "use strict";

  function sortKey(cell, type) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? -Infinity : n;
    }
    return raw.toLowerCase();
  }

  function sortBy(table, heads, th, col) {
    var type = th.getAttribute("data-type") || "text";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
      return { row: row, key: sortKey(row.cells[col], type), index: i };
    });
    rows.sort(function (a, b) {
      var c = a.key < b.key ? -1 : (a.key > b.key ? 1 : 0);
      if (dir === "descending") { c = -c; }
      return c || a.index - b.index;  /* ties keep their order */
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (button) { button.addEventListener("click", function () { sortBy(table, heads, th, col); }); }
    });
  });

  var rule = document.getElementById("filter-rule");
  var page = document.getElementById("filter-page");
  var count = document.getElementById("filter-count");
  function filter() {
    var rows = document.querySelectorAll("#findings-table tbody tr"), shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var keep = (!rule.value || row.getAttribute("data-rule") === rule.value) &&
                 (!page.value || row.getAttribute("data-page") === page.value);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " shown";
  }
  if (rule && page && count) {
    rule.addEventListener("change", filter);
    page.addEventListener("change", filter);
  }

  /* A finding's badge lives in a document that may be folded: open it before the browser scrolls. */
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var fold = target && target.closest ? target.closest("details") : null;
    if (fold && !fold.open) { fold.open = true; target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", reveal);
  reveal();

  var toggle = document.getElementById("mono-toggle");
  if (toggle) {
    toggle.addEventListener("change", function () { document.body.classList.toggle("mono", toggle.checked); });
  }
}());
