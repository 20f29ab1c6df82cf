/* The recording indicator on every screen of a meeting (console, phone, projector): the live
 * snapshot's "recording" section ({id, state}) and the "recording" events keep it current.
 * recordings/queries.py recording_state() builds both. */
(function () {
  "use strict";

  const labels = {
    recording: () => gettext("Recording in progress"),
    paused: () => gettext("Recording paused"),
  };

  const draw = (data, _state, container) => {
    const current = (data && data.state) || "";
    container.dataset.state = current;
    container.hidden = !current;
    const label = container.querySelector("[data-rec-label]");
    if (label && labels[current]) label.textContent = labels[current]();
  };

  const start = (room) => {
    room.reduce("recording", (state, data) => {
      state.recording = data;
    });
    room.render("recording", draw);
  };

  if (window.LiveRoom) start(window.LiveRoom);
  else document.addEventListener("live:ready", (event) => start(event.detail), { once: true });
})();
