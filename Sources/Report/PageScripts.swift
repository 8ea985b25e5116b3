/// The small scripts pages carry, as compile-time constants (no user text can reach them). Each
/// works on the page's own markup, needs nothing from the network, and leaves the page usable
/// when it does not run.
enum PageScripts {
    /// Typesets every `.math` element with KaTeX (`katex.render`, `throwOnError: false`, so bad
    /// TeX is shown in red instead of stopping the page). The element's text is the TeX with its
    /// delimiters (`$...$`, or `$$...$$` for class `display`); without KaTeX it stays as it is.
    static let renderMath: StaticString = """
        (function () {
          "use strict";
          if (typeof katex === "undefined") { return; }
          var elements = document.querySelectorAll(".math");
          for (var i = 0; i < elements.length; i++) {
            var element = elements[i];
            var display = element.classList.contains("display");
            var fence = display ? 2 : 1;
            var text = element.textContent;
            if (text.length < 2 * fence) { continue; }
            katex.render(text.slice(fence, text.length - fence), element, {displayMode: display, throwOnError: false});
          }
        })();
        """

    /// Sorts the index page's table when a column header's button is clicked: by the cells'
    /// `data-sort-value` (text, or numbers for `data-sort-type="number"`); a second click on the
    /// same column reverses the order; `aria-sort` tells which column and direction are current.
    static let sortTable: StaticString = """
        (function () {
          "use strict";
          Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
          if (!table.tHead || !table.tBodies.length) { return; }
          var body = table.tBodies[0];
          var headers = table.tHead.rows[0].cells;
          function key(row, column, type) {
            var cell = row.cells[column];
            var value = cell.getAttribute("data-sort-value");
            if (value === null) { value = cell.textContent; }
            if (type === "number") {
              var number = parseFloat(value);
              return isNaN(number) ? -Infinity : number;
            }
            return value.toLowerCase();
          }
          function sort(column) {
            var header = headers[column];
            var type = header.getAttribute("data-sort-type");
            var current = header.getAttribute("aria-sort");
            var direction = current === "ascending" ? "descending"
              : current === "descending" ? "ascending"
              : type === "number" ? "descending" : "ascending";
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = key(a, column, type), y = key(b, column, type);
              var order = x < y ? -1 : (x > y ? 1 : 0);
              return direction === "ascending" ? order : -order;
            });
            for (var i = 0; i < rows.length; i++) { body.appendChild(rows[i]); }
            for (var j = 0; j < headers.length; j++) { headers[j].removeAttribute("aria-sort"); }
            header.setAttribute("aria-sort", direction);
          }
          Array.prototype.forEach.call(headers, function (header, column) {
            var button = header.querySelector("button");
            if (button) { button.addEventListener("click", function () { sort(column); }); }
          });
          });
        })();
        """
}
