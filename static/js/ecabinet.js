/* Behaviour every page shares, kept out of the templates: the Content-Security-Policy
 * (core/csp.py) runs no inline script and no on*= handler.
 *
 * - A form (or its submit button) with data-confirm asks before it is sent. Forms of the meeting
 *   room (data-live-post) ask in live-room.js instead.
 * - An element with data-ec-width="37" gets width 37 % (a progress bar), also in content that
 *   htmx swaps in later: style attributes are not allowed, setting the style from script is.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-live-post")) return;
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  function applyWidths(root) {
    if (!root || !root.querySelectorAll) return;
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-ec-width]"));
    if (root.matches && root.matches("[data-ec-width]")) found.push(root);
    found.forEach(function (element) {
      var value = parseFloat(element.dataset.ecWidth);
      if (!isNaN(value)) element.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    applyWidths(document);
  });
  document.addEventListener("htmx:load", function (event) {
    applyWidths(event.target);
  });
})();
