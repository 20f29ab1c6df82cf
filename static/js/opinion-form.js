// The question rows of the opinion-collection form: show the filled rows and one empty row,
// and reveal another with "Add a question". Without JavaScript every row is shown.
(() => {
  "use strict";
  const rows = Array.from(document.querySelectorAll("[data-question-row]"));
  const button = document.querySelector("[data-add-question]");
  if (!rows.length || !button) return;
  const filled = (row) => {
    const text = row.querySelector("textarea");
    return text && text.value.trim() !== "";
  };
  const lastFilled = rows.reduce((last, row, index) => (filled(row) ? index + 1 : last), 0);
  let shown = Math.max(1, lastFilled);
  const render = () => {
    rows.forEach((row, index) => {
      row.hidden = index >= shown;
    });
    button.hidden = shown >= rows.length;
  };
  button.addEventListener("click", () => {
    shown = Math.min(rows.length, shown + 1);
    render();
    const text = rows[shown - 1].querySelector("textarea");
    if (text) text.focus();
  });
  render();
})();
