/* Chunked, resumable upload of meeting documents (documents/upload.py describes the protocol).
 *
 * Enhances every form[data-document-upload]: each chosen file gets a row with its own editable
 * title (its file name made readable, as the server would default it) and a progress bar; files go one after the other in 4 MB chunks. A chunk that fails is retried
 * after asking the server where the file ends, waiting 1, 2, 4, 8 then 16 seconds; after five
 * failed tries the row says so and the next file goes on. Without JavaScript (or fetch) the form
 * simply posts the files.
 */
(function () {
  "use strict";

  var MAX_TRIES = 5;

  function Refused(message) {
    this.message = message;
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  var EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "doc", "xls", "jpg", "jpeg", "png"];

  function nfc(text) {
    return text.normalize ? text.normalize("NFC") : text;
  }

  function words(text) {
    return text.split(/\s+/).filter(Boolean).join(" ");
  }

  // The title a file's name gives; documents/titles.py `title_from_filename` is the same rule.
  function defaultTitle(filename) {
    var name = nfc(filename || "").trim();
    if (/%[0-9A-Fa-f]{2}/.test(name)) {
      try { name = nfc(decodeURIComponent(name)); } catch (error) { /* not percent-encoded UTF-8 */ }
    }
    var dot = name.lastIndexOf(".");
    if (dot > 0 && EXTENSIONS.indexOf(name.slice(dot + 1).toLowerCase()) >= 0) name = name.slice(0, dot);
    var slug = !/\s/.test(name);
    name = name.replace(/_/g, " ");
    if (slug) {
      name = name.replace(/-/g, function (hyphen, at, whole) {
        return /\d/.test(whole.charAt(at - 1)) && /\d/.test(whole.charAt(at + 1)) ? hyphen : " ";
      });
    }
    var title = words(name).replace(/^[\s._-]+|[\s._-]+$/g, "");
    if (slug && title && title === title.toLowerCase()) title = title.charAt(0).toUpperCase() + title.slice(1);
    return title.slice(0, 300) || words(nfc(filename || "")).slice(0, 300);
  }

  function readJson(response) {
    return response.json().catch(function () { return {}; });
  }

  function setup(form) {
    var input = form.querySelector("input[type=file]");
    var list = form.querySelector("[data-upload-files]");
    var button = form.querySelector("button[type=submit]");
    var commonTitle = form.querySelector("[data-common-title]");
    var token = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
    var replace = form.dataset.replace || "";
    var rows = [];
    if (!input || !list) return;
    if (commonTitle && !replace) commonTitle.hidden = true;  // each file gets its own title below

    function text(key) {
      return form.dataset["msg" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
    }

    function makeRow(file, index) {
      var row = { file: file, upload: null, done: false };
      var box = document.createElement("div");
      box.className = "border rounded p-2 mb-2";
      box.dataset.testid = "upload-row";
      var name = document.createElement("div");
      name.className = "small fw-semibold text-break";
      name.textContent = file.name;
      box.appendChild(name);
      if (!replace) {
        var id = "upload-title-" + Date.now() + "-" + index;
        var label = document.createElement("label");
        label.className = "form-label small mb-0";
        label.htmlFor = id;
        label.textContent = text("title");
        row.title = document.createElement("input");
        row.title.className = "form-control form-control-sm mb-1";
        row.title.id = id;
        row.title.maxLength = 300;
        row.title.value = defaultTitle(file.name);
        row.title.dataset.testid = "upload-title";
        box.appendChild(label);
        box.appendChild(row.title);
      }
      var progress = document.createElement("div");
      progress.className = "progress";
      progress.setAttribute("role", "progressbar");
      progress.setAttribute("aria-valuemin", "0");
      progress.setAttribute("aria-valuemax", "100");
      progress.setAttribute("aria-label", file.name);
      row.bar = document.createElement("div");
      row.bar.className = "progress-bar";
      row.bar.style.width = "0%";
      progress.appendChild(row.bar);
      row.progress = progress;
      box.appendChild(progress);
      row.status = document.createElement("div");
      row.status.className = "small mt-1";
      row.status.textContent = text("waiting");
      box.appendChild(row.status);
      list.appendChild(box);
      return row;
    }

    function show(row, percent, message, kind) {
      var value = Math.max(0, Math.min(100, Math.round(percent)));
      row.bar.style.width = value + "%";
      row.bar.textContent = value + " %";
      row.progress.setAttribute("aria-valuenow", String(value));
      row.bar.classList.toggle("bg-danger", kind === "error");
      row.bar.classList.toggle("bg-success", kind === "done");
      row.status.textContent = message;
      row.status.className = "small mt-1" + (kind === "error" ? " text-danger" : kind === "done" ? " text-success" : "");
    }

    input.addEventListener("change", function () {
      list.textContent = "";
      rows = Array.prototype.map.call(input.files, makeRow);
    });

    function headers(extra) {
      var result = { "X-CSRFToken": token };
      for (var key in extra) result[key] = extra[key];
      return result;
    }

    async function start(row) {
      var response = await fetch(form.dataset.startUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: headers({ "Content-Type": "application/json", "Accept": "application/json" }),
        body: JSON.stringify({ filename: row.file.name, size: row.file.size }),
      });
      var body = await readJson(response);
      if (!response.ok) throw new Refused(body.error || text("failed"));
      return body;
    }

    async function offset(row) {
      var response = await fetch(row.upload.url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (response.status === 404) throw new Refused(text("failed"));
      var body = await readJson(response);
      if (!response.ok || typeof body.received !== "number") throw new Error("no offset");
      return body.received;
    }

    async function send(row) {
      var file = row.file;
      var chunk = row.upload.chunk_size || 4 * 1024 * 1024;
      var received = row.upload.received || 0;
      var tries = 0;
      while (received < file.size) {
        var end = Math.min(received + chunk, file.size) - 1;
        try {
          var response = await fetch(row.upload.url, {
            method: "PUT",
            credentials: "same-origin",
            headers: headers({
              "Content-Type": "application/octet-stream",
              "Content-Range": "bytes " + received + "-" + end + "/" + file.size,
              "Accept": "application/json",
            }),
            body: file.slice(received, end + 1),
          });
          var body = await readJson(response);
          if (response.ok) {
            received = body.received;
            tries = 0;
            show(row, (100 * received) / file.size, text("uploading"));
            continue;
          }
          if (response.status === 409 && typeof body.received === "number") {
            received = body.received;  // the server has a different end: go on from there
          }
          if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 409 && response.status !== 429) {
            throw new Refused(body.error || text("failed"));
          }
          throw new Error("retry");
        } catch (error) {
          if (error instanceof Refused) throw error;
          tries += 1;
          if (tries > MAX_TRIES) throw new Refused(text("failed"));
          show(row, (100 * received) / file.size, text("retrying"));
          await sleep(1000 * Math.pow(2, tries - 1));
          try {
            received = await offset(row);
          } catch (lookup) {
            if (lookup instanceof Refused) throw lookup;
          }
        }
      }
      row.upload.received = received;
    }

    async function finish(row) {
      var data = new FormData(form);
      data.delete("file");
      data.set("declared_type", row.file.type || "");
      if (replace) data.set("replace", replace);
      else data.set("title", row.title.value);
      show(row, 100, text("checking"));
      var response = await fetch(row.upload.finish_url, {
        method: "POST",
        credentials: "same-origin",
        headers: headers({ "Accept": "application/json" }),
        body: data,
      });
      var body = await readJson(response);
      if (response.status === 400 && body.code === "invalid") {
        throw new Refused(body.error);  // the form needs fixing; the uploaded file is kept
      }
      row.upload = null;  // refused or stored: the server has removed the upload either way
      if (!response.ok) throw new Refused(body.error || text("failed"));
      row.done = true;
      show(row, 100, text("done") + " – " + (body.status_label || ""), "done");
    }

    async function uploadOne(row) {
      if (!row.upload) {
        row.upload = await start(row);
      }
      await send(row);
      await finish(row);
    }

    form.addEventListener("submit", async function (event) {
      if (!window.fetch || !window.FormData) return;  // let the browser post the files
      event.preventDefault();
      if (!rows.length) {
        rows = Array.prototype.map.call(input.files, makeRow);
      }
      if (!rows.length) {
        window.alert(text("choose"));
        return;
      }
      button.disabled = true;
      var failed = 0;
      for (var i = 0; i < rows.length; i += 1) {
        var row = rows[i];
        if (row.done) continue;
        try {
          await uploadOne(row);
        } catch (error) {
          failed += 1;
          show(row, 100, error instanceof Refused ? error.message : text("failed"), "error");
          if (row.upload && !(error instanceof Refused && row.upload.received === row.file.size)) {
            // Give up on it on the server too (a form error keeps it for the next try).
            fetch(row.upload.url, { method: "DELETE", credentials: "same-origin", headers: headers({}) }).catch(function () {});
            row.upload = null;
          }
        }
      }
      button.disabled = false;
      var stored = rows.filter(function (r) { return r.done; }).length;
      if (replace) {
        if (failed === 0) window.location.reload();
        return;
      }
      if (failed === 0) {
        form.reset();
        rows = [];
      }
      if (!stored) return;
      var target = document.getElementById("documents-list");
      if (window.htmx && target && form.dataset.listUrl) {
        window.htmx.ajax("GET", form.dataset.listUrl, { target: target, swap: "outerHTML" });
      } else if (failed === 0) {
        window.location.reload();  // otherwise stay, so the refusals remain readable
      }
    });
  }

  function init() {
    document.querySelectorAll("form[data-document-upload]").forEach(function (form) {
      if (form.dataset.uploadReady) return;
      form.dataset.uploadReady = "1";
      setup(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
