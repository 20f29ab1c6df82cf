// The transcript page: a segment's play button seeks the page's player to the segment and plays
// it; the segment being heard is highlighted. Delegated on the document, so the rows htmx swaps
// in (progress polling, corrections) work the same.
(function () {
  "use strict";
  function player() { return document.getElementById("transcript-audio"); }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-seek]");
    var audio = player();
    if (!link || !audio) { return; }
    event.preventDefault();
    var at = parseFloat(link.getAttribute("data-seek")) || 0;
    var start = function () {
      audio.currentTime = at;
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    };
    if (audio.readyState >= 1) { start(); } else {
      audio.preload = "metadata";
      audio.addEventListener("loadedmetadata", start, { once: true });
      audio.load();
    }
  });

  document.addEventListener("timeupdate", function (event) {
    var audio = event.target;
    if (!audio || audio.id !== "transcript-audio") { return; }
    var rows = document.querySelectorAll("[data-testid=transcript-segment]");
    var current = null;
    rows.forEach(function (row) {
      var seek = row.querySelector("[data-seek]");
      if (seek && parseFloat(seek.getAttribute("data-seek")) <= audio.currentTime + 0.05) { current = row; }
    });
    rows.forEach(function (row) { row.classList.toggle("ec-playing", row === current && !audio.paused); });
  }, true);
})();
