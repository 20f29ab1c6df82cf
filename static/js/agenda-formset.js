// Adds one more empty agenda row to the Django formset (prefix "agenda").
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-agenda]");
  if (!button) return;
  const total = document.getElementById("id_agenda-TOTAL_FORMS");
  const rows = document.querySelectorAll("#agenda-rows .agenda-row");
  const template = rows[rows.length - 1];
  const index = Number(total.value);
  const clone = template.cloneNode(true);
  clone.querySelectorAll("input, label").forEach((el) => {
    for (const attr of ["name", "id", "for"]) {
      const value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(/agenda-\d+-/, `agenda-${index}-`));
    }
    if (el.tagName === "INPUT") el.value = el.name.endsWith("duration_minutes") ? "15" : "";
  });
  clone.querySelectorAll(".invalid-feedback").forEach((el) => el.remove());
  const label = clone.querySelector("label");
  if (label) label.textContent = label.textContent.replace(/^\d+\./, `${index + 1}.`);
  template.after(clone);
  total.value = String(index + 1);
  clone.querySelector("input").focus();
});
