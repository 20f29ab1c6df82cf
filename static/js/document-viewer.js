// Document viewer: zoom, page counter, "page seen" receipts and private notes.
// The page works without this script (images, download, notes through plain forms);
// the script only makes it nicer and records which pages were really looked at.
(() => {
  "use strict";
  const root = document.getElementById("doc-viewer");
  if (!root) return;

  const csrf = root.dataset.csrf;
  const scales = (root.dataset.scales || "1").split(",");
  const pagesBox = root.querySelector(".ec-pages");
  const sections = Array.from(root.querySelectorAll("section[data-page]"));
  const counter = root.querySelector("[data-current-page]");
  const zoomLabel = root.querySelector("[data-zoom-label]");
  const SEEN_AFTER_MS = 800; // a page must stay in view this long to count as seen

  const post = (url, body) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body,
    });

  // --- which pages are on screen -----------------------------------------------------------
  const onScreen = new Set();
  const sent = new Set();
  const timers = new Map();
  let current = sections[0];

  const visiblePx = (section) => {
    const rect = section.getBoundingClientRect();
    return Math.max(0, Math.min(rect.bottom, window.innerHeight) - Math.max(rect.top, 0));
  };
  const looksSeen = (section) => {
    const rect = section.getBoundingClientRect();
    return visiblePx(section) >= Math.min(window.innerHeight, rect.height) * 0.5;
  };

  const markSeen = (section) => {
    const page = section.dataset.page;
    if (!root.dataset.track || sent.has(page)) return;
    sent.add(page);
    post(root.dataset.seenUrl.replace(/\/0\/seen\/$/, `/${page}/seen/`)).catch(() => sent.delete(page));
  };

  const update = () => {
    let best = null;
    let bestPx = -1;
    for (const section of onScreen) {
      const px = visiblePx(section);
      if (px > bestPx) [best, bestPx] = [section, px];
      const page = section.dataset.page;
      if (!sent.has(page) && !timers.has(page) && looksSeen(section)) {
        timers.set(
          page,
          setTimeout(() => {
            timers.delete(page);
            if (onScreen.has(section) && looksSeen(section)) markSeen(section);
          }, SEEN_AFTER_MS),
        );
      }
    }
    if (best) {
      current = best;
      if (counter) counter.textContent = best.dataset.page;
    }
  };

  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      update();
    });
  };

  if ("IntersectionObserver" in window) {
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) onScreen.add(entry.target);
        else onScreen.delete(entry.target);
      }
      schedule();
    });
    sections.forEach((section) => observer.observe(section));
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
  }

  // --- zoom ----------------------------------------------------------------------------------
  const stored = window.localStorage ? localStorage.getItem("ecViewerScale") : null;
  let zoomIndex = Math.max(0, scales.indexOf(stored || "1"));

  const applyZoom = (keepPlace, reload = true) => {
    const scale = scales[zoomIndex];
    let ratio = 0;
    if (keepPlace && current) {
      const rect = current.getBoundingClientRect();
      ratio = rect.height ? -rect.top / rect.height : 0;
    }
    pagesBox.style.setProperty("--ec-zoom", scale);
    if (zoomLabel) zoomLabel.textContent = `${Math.round(Number(scale) * 100)}%`;
    // Pages on screen load the sharper image now; the others when they scroll into view
    // (loading="lazy").
    const images = sections.map((s) => s.querySelector("img.ec-page-img"));
    const visibleFirst = images.sort((a, b) => onScreen.has(b.closest("section")) - onScreen.has(a.closest("section")));
    for (const img of visibleFirst) {
      if (img && reload) img.src = `${img.dataset.base}&scale=${encodeURIComponent(scale)}`;
    }
    if (keepPlace && current) {
      const rect = current.getBoundingClientRect();
      window.scrollBy(0, rect.top + ratio * rect.height);
    }
    root.querySelectorAll("[data-zoom]").forEach((button) => {
      const step = Number(button.dataset.zoom);
      button.disabled = zoomIndex + step < 0 || zoomIndex + step >= scales.length;
    });
    schedule();
  };

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-zoom]");
    if (!button) return;
    zoomIndex = Math.min(scales.length - 1, Math.max(0, zoomIndex + Number(button.dataset.zoom)));
    if (window.localStorage) localStorage.setItem("ecViewerScale", scales[zoomIndex]);
    applyZoom(true);
  });
  // The server's <img src> asks for the first scale; ask again only for another stored zoom.
  applyZoom(false, zoomIndex !== 0);

  // --- private notes -------------------------------------------------------------------------
  const template = document.getElementById("note-template");

  const firstError = (data) => {
    const errors = (data && data.errors) || {};
    return Object.values(errors).flat().join(" ") || root.dataset.errorText;
  };

  const fillNote = (item, note) => {
    item.id = `note-${note.id}`;
    item.querySelector("[data-note-text]").textContent = note.text;
    item.querySelector("[data-note-updated]").textContent = note.updated;
    item.querySelector("[data-note-edit]").href = note.url;
    item.querySelector("[data-note-delete]").action = note.url;
  };

  root.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.matches("[data-note-form]")) {
      event.preventDefault();
      const error = form.querySelector("[data-note-error]");
      error.textContent = "";
      try {
        const response = await post(form.action, new FormData(form));
        const data = await response.json();
        if (!response.ok) {
          error.textContent = firstError(data);
          return;
        }
        const item = template.content.firstElementChild.cloneNode(true);
        fillNote(item, data);
        form.closest("[data-notes-for]").querySelector("[data-note-list]").append(item);
        form.reset();
      } catch {
        error.textContent = root.dataset.errorText;
      }
    } else if (form.matches("[data-note-delete]")) {
      event.preventDefault();
      if (!window.confirm(root.dataset.confirmDelete)) return;
      const body = new FormData(form);
      body.set("delete", "1");
      const response = await post(form.action, body).catch(() => null);
      if (response && response.ok) form.closest("[data-note]").remove();
      else window.alert(root.dataset.errorText);
    } else if (form.matches("[data-note-edit-form]")) {
      event.preventDefault();
      const item = form.closest("[data-note]");
      const error = form.querySelector("[data-note-error]");
      try {
        const response = await post(form.dataset.url, new FormData(form));
        const data = await response.json();
        if (!response.ok) {
          error.textContent = firstError(data);
          return;
        }
        fillNote(item, data);
        form.remove();
        item.querySelector("[data-note-text]").hidden = false;
      } catch {
        error.textContent = root.dataset.errorText;
      }
    }
  });

  // Edit in place: the note's text becomes a small form (without script: a page of its own).
  root.addEventListener("click", (event) => {
    const link = event.target.closest("[data-note-edit]");
    if (link) {
      event.preventDefault();
      const item = link.closest("[data-note]");
      if (item.querySelector("[data-note-edit-form]")) return;
      const text = item.querySelector("[data-note-text]");
      const form = document.createElement("form");
      form.dataset.noteEditForm = "";
      form.dataset.url = link.href;
      const area = document.createElement("textarea");
      area.name = "text";
      area.className = "form-control";
      area.rows = 4;
      area.maxLength = Number(root.dataset.noteMax) || 5000;
      area.required = true;
      area.value = text.textContent;
      const error = document.createElement("div");
      error.className = "invalid-feedback d-block";
      error.dataset.noteError = "";
      const save = document.createElement("button");
      save.type = "submit";
      save.className = "btn btn-sm btn-primary mt-2 me-2";
      save.textContent = root.dataset.saveLabel;
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "btn btn-sm btn-outline-secondary mt-2";
      cancel.textContent = root.dataset.cancelLabel;
      cancel.addEventListener("click", () => {
        form.remove();
        text.hidden = false;
      });
      form.append(area, error, save, cancel);
      text.hidden = true;
      text.after(form);
      area.focus();
    }
  });
})();
