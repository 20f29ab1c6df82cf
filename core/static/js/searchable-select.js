/*
 * Searchable selects: a progressive enhancement of <select data-searchable>.
 *
 * A <select multiple> becomes a filter box above a scrollable list of checkboxes, a plain
 * <select> a filter box above a list of radio buttons. The filter ignores case and Vietnamese
 * accents ("ha noi" finds "Hà Nội", "d" finds "đ"). The original select stays in the form,
 * hidden, and is kept in step, so the form posts exactly what it posted before; without
 * JavaScript the plain select works as it always did. Option groups become headings.
 *
 * Texts come from the select's data attributes (translated by the server):
 *   data-search-placeholder, data-search-empty, data-search-selected ("%(count)s" is replaced).
 * No dependency, no network: works on phones (large touch targets, native inputs).
 */
(function () {
  "use strict";

  function fold(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  var counter = 0;

  function enhance(select) {
    if (select.dataset.searchableReady) return;
    select.dataset.searchableReady = "1";
    counter += 1;
    var multiple = select.multiple;
    var baseId = select.id || "searchable-" + counter;
    var kind = multiple ? "checkbox" : "radio";

    var wrapper = document.createElement("div");
    wrapper.className = "ec-searchable border rounded p-2";
    wrapper.dataset.searchableFor = select.name;
    if (select.classList.contains("is-invalid")) wrapper.classList.add("border-danger");

    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-2";
    search.id = baseId + "-search";
    search.placeholder = select.dataset.searchPlaceholder || "";
    search.setAttribute("autocomplete", "off");
    search.dataset.searchInput = "";
    wrapper.appendChild(search);

    // The field's label now names the search box (the hidden select is no longer focusable).
    if (select.id) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (label) {
        label.setAttribute("for", search.id);
        label.id = label.id || baseId + "-label";
      }
    }

    var list = document.createElement("div");
    list.className = "ec-searchable-list overflow-auto";
    list.style.maxHeight = "16rem";
    list.setAttribute("role", "group");
    if (label) list.setAttribute("aria-labelledby", label.id);
    wrapper.appendChild(list);

    var empty = document.createElement("div");
    empty.className = "small ec-muted py-1";
    empty.textContent = select.dataset.searchEmpty || "";
    empty.hidden = true;
    wrapper.appendChild(empty);

    var status = null;
    if (multiple) {
      status = document.createElement("div");
      status.className = "small ec-muted mt-1";
      status.setAttribute("aria-live", "polite");
      status.dataset.searchCount = "";
      wrapper.appendChild(status);
    }

    var rows = [];
    var headings = [];

    function addOption(option, group) {
      var row = document.createElement("div");
      row.className = "form-check py-1";
      var input = document.createElement("input");
      input.type = kind;
      input.className = "form-check-input";
      input.id = baseId + "-opt-" + rows.length;
      input.name = baseId + "-choice"; // one radio group per field
      input.value = option.value;
      input.checked = option.selected;
      input.disabled = option.disabled;
      // Owned by no form (no element has this id): only the hidden select is posted.
      input.setAttribute("form", "ec-searchable-none");
      var text = document.createElement("label");
      text.className = "form-check-label";
      text.htmlFor = input.id;
      text.textContent = option.textContent;
      row.appendChild(input);
      row.appendChild(text);
      list.appendChild(row);
      input.addEventListener("change", function () {
        if (multiple) {
          option.selected = input.checked;
        } else if (input.checked) {
          select.value = option.value;
        }
        select.dispatchEvent(new Event("change", { bubbles: true }));
        updateCount();
      });
      rows.push({ row: row, input: input, option: option, key: fold(option.textContent), group: group });
    }

    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        var heading = document.createElement("div");
        heading.className = "small fw-semibold text-uppercase ec-muted pt-2";
        heading.textContent = child.label;
        list.appendChild(heading);
        var entry = { element: heading, rows: [] };
        headings.push(entry);
        Array.prototype.forEach.call(child.children, function (option) {
          addOption(option, entry);
          entry.rows.push(rows[rows.length - 1]);
        });
      } else if (child.tagName === "OPTION") {
        addOption(child, null);
      }
    });

    function updateCount() {
      if (!status) return;
      var count = rows.filter(function (r) {
        return r.option.selected;
      }).length;
      status.textContent = (select.dataset.searchSelected || "%(count)s").replace("%(count)s", String(count));
    }

    function filter() {
      var words = fold(search.value).split(" ").filter(Boolean);
      var shown = 0;
      rows.forEach(function (r) {
        var match = words.every(function (w) {
          return r.key.indexOf(w) !== -1;
        });
        r.row.hidden = !match;
        if (match) shown += 1;
      });
      headings.forEach(function (h) {
        h.element.hidden = !h.rows.some(function (r) {
          return !r.row.hidden;
        });
      });
      empty.hidden = shown !== 0;
    }

    search.addEventListener("input", filter);
    // Enter in the filter box must not send the whole form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });

    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrapper, select.nextSibling);
    updateCount();
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-searchable]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  window.ecSearchableSelect = { enhance: enhance, enhanceAll: enhanceAll, fold: fold };
})();
