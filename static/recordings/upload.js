/* Upload of a finished recording from the room's sound system: the resumable protocol of
 * documents/upload.py (POST start, PUT chunks with Content-Range, GET the offset to resume from,
 * POST finish), as static/js/document-upload.js speaks it, for one audio file. A chunk that fails
 * is retried after asking the server where the file ends (1, 2, 4, 8, 16 s). */
(function () {
  "use strict";

  const MAX_TRIES = 6;
  const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

  const setup = (form) => {
    const input = form.querySelector("input[type=file]");
    const start = form.querySelector("input[name=started_at]");
    const bar = form.querySelector("[data-upload-progress]");
    const message = form.querySelector("[data-upload-message]");
    const button = form.querySelector("button[type=submit]");
    const token = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
    const say = (key, text) => {
      message.textContent = text || form.dataset[`msg${key.charAt(0).toUpperCase()}${key.slice(1)}`] || "";
      message.dataset.state = key;
    };
    const json = (response) => response.json().catch(() => ({}));

    const offsetOf = async (url) => {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("offset");
      return (await json(response)).received;
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = input.files && input.files[0];
      if (!file) return;
      button.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      say("sending");
      try {
        const begun = await fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ filename: file.name, size: file.size }),
        });
        const upload = await json(begun);
        if (!begun.ok) return say("failed", upload.error);
        let received = upload.received || 0;
        let tries = 0;
        while (received < file.size) {
          const end = Math.min(received + upload.chunk_size, file.size) - 1;
          try {
            const response = await fetch(upload.url, {
              method: "PUT",
              credentials: "same-origin",
              headers: { "Content-Range": `bytes ${received}-${end}/${file.size}`, "X-CSRFToken": token, Accept: "application/json" },
              body: file.slice(received, end + 1),
            });
            const answer = await json(response);
            if (response.ok) {
              received = answer.received;
              tries = 0;
            } else if (response.status === 409 && typeof answer.received === "number") {
              received = answer.received;
            } else if (response.status === 400) {
              return say("failed", answer.error);
            } else {
              throw new Error(String(response.status));
            }
          } catch (_error) {
            tries += 1;
            if (tries > MAX_TRIES) return say("failed");
            await sleep(1000 * 2 ** (tries - 1));
            received = await offsetOf(upload.url).catch(() => received);
          }
          bar.value = Math.floor((100 * received) / file.size);
        }
        say("checking");
        const body = new URLSearchParams();
        body.append("started_at", start ? start.value : "");
        const finished = await fetch(upload.finish_url, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": token },
          body,
        });
        const done = await json(finished);
        if (!finished.ok) return say("failed", done.error);
        say("done");
        window.location.assign(done.url);
      } catch (_error) {
        say("failed");
      } finally {
        button.disabled = false;
      }
    });
  };

  document.querySelectorAll("form[data-recording-upload]").forEach(setup);
})();
