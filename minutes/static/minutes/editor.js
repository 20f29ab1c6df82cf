/*
 * The minutes' editor: a contenteditable area with a small toolbar (headings, paragraph, bold,
 * italic, underline, lists, a table and its rows). On submit the area's HTML goes into the hidden
 * "body" field; the server sanitises it against an allow-list before storing anything
 * (minutes/sanitize.py), so this script only makes editing comfortable, it guards nothing.
 */
(function () {
  "use strict";

  function closest(node, tag, root) {
    while (node && node !== root) {
      if (node.nodeType === 1 && node.tagName === tag) return node;
      node = node.parentNode;
    }
    return null;
  }

  function cell(tag) {
    var element = document.createElement(tag);
    element.appendChild(document.createElement("br"));
    return element;
  }

  function newTable() {
    var table = document.createElement("table");
    var body = document.createElement("tbody");
    for (var r = 0; r < 2; r++) {
      var row = document.createElement("tr");
      for (var c = 0; c < 2; c++) row.appendChild(cell(r === 0 ? "th" : "td"));
      body.appendChild(row);
    }
    table.appendChild(body);
    return table;
  }

  function insertNode(area, node) {
    var selection = window.getSelection();
    if (selection && selection.rangeCount && area.contains(selection.getRangeAt(0).startContainer)) {
      var block = selection.getRangeAt(0).startContainer;
      while (block && block.parentNode !== area) block = block.parentNode;
      if (block) {
        area.insertBefore(node, block.nextSibling);
        return;
      }
    }
    area.appendChild(node);
  }

  function addRow(area) {
    var selection = window.getSelection();
    if (!selection || !selection.rangeCount) return;
    var row = closest(selection.getRangeAt(0).startContainer, "TR", area);
    if (!row) return;
    var copy = document.createElement("tr");
    for (var i = 0; i < row.children.length; i++) copy.appendChild(cell("td"));
    row.parentNode.insertBefore(copy, row.nextSibling);
  }

  function setUp(form) {
    var area = form.querySelector(".ec-editor-area");
    var field = form.querySelector("input[name='body']");
    if (!area || !field) return;
    try {
      document.execCommand("defaultParagraphSeparator", false, "p");
    } catch (e) {
      /* older engines: divs become paragraphs on the server anyway */
    }
    form.querySelectorAll(".ec-editor-toolbar [data-command]").forEach(function (button) {
      button.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the selection in the area
      });
      button.addEventListener("click", function () {
        var command = button.dataset.command;
        area.focus();
        if (command === "table") insertNode(area, newTable());
        else if (command === "row") addRow(area);
        else if (command === "formatBlock") document.execCommand("formatBlock", false, button.dataset.value);
        else document.execCommand(command, false, null);
      });
    });
    form.addEventListener("submit", function () {
      field.value = area.innerHTML;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("minutes-editor-form");
    if (form) setUp(form);
  });
})();
