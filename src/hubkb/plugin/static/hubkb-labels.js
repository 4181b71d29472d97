/* Datasette's table filters have no labels: name each control for screen readers. */
document.querySelectorAll("form.filters select, form.filters input").forEach(function (control) {
  if (control.labels && control.labels.length) { return; }
  var name = control.getAttribute("name") || "";
  var label = name.indexOf("_filter_column") === 0 ? "Column to filter"
    : name.indexOf("_filter_op") === 0 ? "How to compare"
    : name.indexOf("_filter_value") === 0 || control.classList.contains("filter-value") ? "Value to compare with"
    : name === "_sort" ? "Sort by"
    : name === "_sort_by_desc" ? "Sort descending" : "";
  if (label && !control.getAttribute("aria-label")) { control.setAttribute("aria-label", label); }
});
