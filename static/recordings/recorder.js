/* The console's recorder (recordings/actions/capture.py describes the rules).
 *
 * MediaRecorder (WebM/Opus) is cut into pieces every CHUNK_MS by requestData(); each piece gets
 * the next number, its SHA-256 (crypto.subtle) and its wall-clock start in the server's clock
 * (estimated from the `server_now` of every answer), and is written to IndexedDB BEFORE it is
 * sent. A piece leaves IndexedDB only when the server acknowledged it ("stored" or "already
 * stored"), so a network cut, a server restart or a reload loses nothing: the queue is sent again,
 * and a reloaded console continues the same recording with the next numbers (a new MediaRecorder
 * session, whose first piece carries the WebM header and is flagged so). Stop waits until every
 * piece is acknowledged, then tells the server how many pieces there are.
 */
(function () {
  "use strict";

  const panel = document.getElementById("recorder");
  if (!panel || !window.indexedDB) return;

  const CHUNK_MS = 5000;
  const MIME = "audio/webm;codecs=opus";
  const DB_NAME = "ecabinet-recorder";
  const $ = (selector) => panel.querySelector(selector);
  const buttons = {
    start: $('[data-rec-action="start"]'),
    pause: $('[data-rec-action="pause"]'),
    resume: $('[data-rec-action="resume"]'),
    stop: $('[data-rec-action="stop"]'),
  };
  const meetingId = Number(panel.dataset.meeting);
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));

  // --- IndexedDB: pieces waiting for the server, and the session of the recording ------------
  let dbPromise = null;
  const db = () => {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const base = request.result;
          base.createObjectStore("chunks", { keyPath: ["recording", "seq"] });
          base.createObjectStore("sessions", { keyPath: "recording" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  };
  const tx = async (store, mode, fn) => {
    const base = await db();
    return new Promise((resolve, reject) => {
      const transaction = base.transaction(store, mode);
      const result = fn(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  };
  const putChunk = (chunk) => tx("chunks", "readwrite", (s) => s.put(chunk));
  const deleteChunk = (recording, seq) => tx("chunks", "readwrite", (s) => s.delete([recording, seq]));
  const allChunks = () => tx("chunks", "readonly", (s) => s.getAll());
  const putSession = (session) => tx("sessions", "readwrite", (s) => s.put(session));
  const getSession = (recording) => tx("sessions", "readonly", (s) => s.get(recording));
  const deleteSession = (recording) => tx("sessions", "readwrite", (s) => s.delete(recording));

  // --- the server ------------------------------------------------------------------------------
  let offset = 0; // server clock minus this browser's clock, in ms
  const serverNow = () => Date.now() + offset;
  const csrf = () => panel.dataset.csrf || (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";

  const call = async (url, { method = "POST", body = null, headers = {} } = {}) => {
    const sent = Date.now();
    const response = await fetch(url, {
      method,
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf(), ...headers },
    });
    const data = await response.json().catch(() => ({}));
    if (data.server_now) {
      const received = Date.now();
      offset = Date.parse(data.server_now) - (sent + received) / 2;
    }
    return { status: response.status, ok: response.ok, data };
  };
  const form = (values) => {
    const body = new URLSearchParams();
    Object.entries(values).forEach(([key, value]) => body.append(key, String(value)));
    return body;
  };

  // --- state -----------------------------------------------------------------------------------
  const rec = {
    id: null,
    urls: {},
    status: "idle", // idle | recording | paused | stopping
    nextSeq: 0,
    stream: null,
    recorder: null,
    sessionStart: true, // the next piece is the first of a MediaRecorder session
    segmentStart: 0,
    boundaries: [],
    timer: null,
    stopWanted: false,
    missing: [],
    sent: 0,
  };
  let pending = new Set(); // "recording:seq" still in IndexedDB

  const show = (element, visible) => {
    if (element) element.hidden = !visible;
  };
  const setError = (text) => {
    const box = $('[data-rec="error"]');
    box.textContent = text || "";
    show(box, Boolean(text));
  };
  const stateLabels = {
    idle: () => gettext("Not recording"),
    recording: () => gettext("Recording in progress"),
    paused: () => gettext("Recording paused"),
    stopping: () => gettext("Stopping: sending the last pieces…"),
  };
  const render = () => {
    const badge = $('[data-rec="state"]');
    badge.dataset.state = rec.status;
    badge.textContent = stateLabels[rec.status]();
    show(buttons.start, rec.status === "idle");
    show(buttons.pause, rec.status === "recording");
    show(buttons.resume, rec.status === "paused");
    show(buttons.stop, rec.status === "recording" || rec.status === "paused");
    const waiting = Array.from(pending).filter((key) => key.startsWith(`${rec.id}:`)).length;
    const progress = $('[data-rec="progress"]');
    progress.dataset.waiting = String(waiting);
    progress.dataset.sent = String(rec.sent);
    progress.textContent = rec.id
      ? fill(gettext("Pieces sent: %(sent)s; waiting to be sent: %(waiting)s."), { sent: rec.sent, waiting })
      : "";
    const gaps = rec.missing.filter((seq) => !pending.has(`${rec.id}:${seq}`));
    const gapBox = $('[data-rec="gaps"]');
    gapBox.textContent = gaps.length ? fill(gettext("Missing pieces on the server: %(list)s"), { list: gaps.join(", ") }) : "";
    gapBox.dataset.missing = gaps.join(",");
    show(gapBox, gaps.length > 0);
  };

  const adopt = (data) => {
    rec.id = data.id;
    rec.urls = {
      chunk: data.chunk_url.replace(/\/0\/$/, "/"),
      pause: data.pause_url,
      resume: data.resume_url,
      stop: data.stop_url,
      status: data.status_url,
    };
    rec.missing = data.missing || [];
  };

  // --- capture ---------------------------------------------------------------------------------
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  const onData = (event) => {
    const meta = rec.boundaries.shift() || { start: rec.segmentStart, duration: 0.001 };
    if (!event.data || event.data.size === 0) return;
    const recording = rec.id;
    const seq = rec.nextSeq++;
    const header = rec.sessionStart;
    rec.sessionStart = false;
    pending.add(`${recording}:${seq}`);
    const saving = (async () => {
      const buffer = await event.data.arrayBuffer();
      const sha = hex(await crypto.subtle.digest("SHA-256", buffer));
      await putChunk({ recording, seq, data: buffer, sha, start: meta.start, duration: Math.max(meta.duration, 0.001), header });
      await putSession({ recording, meetingId, nextSeq: rec.nextSeq, stopWanted: rec.stopWanted });
    })();
    saves.push(saving);
    saving.then(() => flush()).catch((error) => setError(String(error)));
    render();
  };
  const saves = [];

  const cut = () => {
    if (!rec.recorder || rec.recorder.state !== "recording") return;
    const now = serverNow();
    rec.boundaries.push({ start: rec.segmentStart, duration: (now - rec.segmentStart) / 1000 });
    rec.segmentStart = now;
    rec.recorder.requestData();
  };

  const openRecorder = async () => {
    if (!rec.stream) rec.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const options = window.MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(MIME) ? { mimeType: MIME } : {};
    rec.recorder = new MediaRecorder(rec.stream, options);
    rec.recorder.addEventListener("dataavailable", onData);
    rec.sessionStart = true;
  };

  const runTimer = () => {
    window.clearInterval(rec.timer);
    rec.timer = window.setInterval(cut, CHUNK_MS);
  };

  const begin = async (notBefore) => {
    await openRecorder();
    rec.segmentStart = Math.max(serverNow(), notBefore || 0);
    rec.recorder.start();
    rec.status = "recording";
    runTimer();
    render();
  };

  // --- sending ---------------------------------------------------------------------------------
  let flushing = false;
  let retryTimer = null;
  let backoff = 1000;

  const scheduleRetry = () => {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(flush, backoff);
    backoff = Math.min(backoff * 2, 5000);
  };

  const sendChunk = async (chunk) => {
    const base = chunk.recording === rec.id ? rec.urls.chunk : `/recordings/${chunk.recording}/chunks/`;
    const headers = {
      "Content-Type": "application/octet-stream",
      "X-Chunk-Sha256": chunk.sha,
      "X-Chunk-Start": new Date(chunk.start).toISOString(),
      "X-Chunk-Duration": String(chunk.duration),
    };
    if (chunk.header) headers["X-Chunk-Header"] = "1";
    return call(`${base}${chunk.seq}/`, { body: chunk.data, headers });
  };

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      const chunks = (await allChunks()).sort((a, b) => a.recording - b.recording || a.seq - b.seq);
      pending = new Set(chunks.map((c) => `${c.recording}:${c.seq}`));
      for (const chunk of chunks) {
        let answer;
        try {
          answer = await sendChunk(chunk);
        } catch (_error) {
          setError(gettext("No connection: the pieces are kept in this browser and will be sent when it returns."));
          scheduleRetry();
          return;
        }
        if (answer.ok || answer.status === 409 || answer.status === 400 || answer.status === 404 || answer.status === 403) {
          // Acknowledged, or refused for good (a pause, a finished recording): never resend it.
          await deleteChunk(chunk.recording, chunk.seq);
          pending.delete(`${chunk.recording}:${chunk.seq}`);
          if (answer.ok) {
            rec.sent += 1;
            if (chunk.recording === rec.id) rec.missing = answer.data.missing || [];
            setError("");
          } else if (answer.data.error) {
            setError(answer.data.error);
          }
          render();
        } else {
          setError(gettext("The server did not answer: the pieces are kept in this browser and sent again shortly."));
          scheduleRetry();
          return;
        }
      }
      backoff = 1000;
      if (rec.stopWanted) await finishStop();
    } finally {
      flushing = false;
    }
  }

  // --- controls --------------------------------------------------------------------------------
  const refuse = (answer) => setError((answer && answer.data && answer.data.error) || gettext("The request failed. Try again."));

  const start = async () => {
    setError("");
    buttons.start.disabled = true;
    try {
      const answer = await call(panel.dataset.startUrl);
      if (!answer.ok) return refuse(answer);
      adopt(answer.data);
      const session = await getSession(rec.id);
      const local = (await allChunks()).filter((c) => c.recording === rec.id).map((c) => c.seq + 1);
      rec.nextSeq = Math.max(answer.data.next_seq || 0, (session && session.nextSeq) || 0, ...local);
      await putSession({ recording: rec.id, meetingId, nextSeq: rec.nextSeq, stopWanted: false });
      if (answer.data.status === "paused") {
        await openRecorder();
        rec.status = "paused";
        render();
      } else {
        await begin();
      }
      flush();
    } catch (error) {
      setError(fill(gettext("The microphone cannot be used: %(error)s"), { error: error.message || error }));
    } finally {
      buttons.start.disabled = false;
    }
  };

  const pause = async () => {
    cut();
    if (rec.recorder && rec.recorder.state === "recording") rec.recorder.pause();
    window.clearInterval(rec.timer);
    rec.status = "paused";
    render();
    for (;;) {
      try {
        const answer = await call(rec.urls.pause);
        if (!answer.ok && answer.status !== 409) refuse(answer);
        else setError("");
        return;
      } catch (_error) {
        setError(gettext("No connection: the pause will be sent when it returns. Nothing is recorded meanwhile."));
        await new Promise((resolve) => window.setTimeout(resolve, 2000));
      }
    }
  };

  const resume = async () => {
    setError("");
    let answer;
    try {
      answer = await call(rec.urls.resume);
    } catch (_error) {
      return setError(gettext("No connection: the recording cannot resume yet. Try again."));
    }
    if (!answer.ok && answer.status !== 409) return refuse(answer);
    const pauses = (answer.data && answer.data.pauses) || [];
    const resumedAt = pauses.length ? Date.parse(pauses[pauses.length - 1][1]) + 1 : 0;
    rec.segmentStart = Math.max(serverNow(), resumedAt);
    if (rec.recorder.state === "paused") rec.recorder.resume();
    else if (rec.recorder.state === "inactive") {
      rec.recorder.start();
    }
    rec.status = "recording";
    runTimer();
    render();
  };

  const stop = async () => {
    window.clearInterval(rec.timer);
    if (rec.recorder && rec.recorder.state !== "inactive") {
      const stopped = new Promise((resolve) => rec.recorder.addEventListener("stop", resolve, { once: true }));
      const now = serverNow();
      if (rec.recorder.state === "recording") {
        rec.boundaries.push({ start: rec.segmentStart, duration: (now - rec.segmentStart) / 1000 });
      } else {
        rec.boundaries.push({ start: rec.segmentStart, duration: 0.001 });
      }
      rec.recorder.stop();
      await stopped;
    }
    if (rec.stream) rec.stream.getTracks().forEach((track) => track.stop());
    rec.stream = null;
    await Promise.allSettled(saves.splice(0));
    rec.stopWanted = true;
    rec.status = "stopping";
    await putSession({ recording: rec.id, meetingId, nextSeq: rec.nextSeq, stopWanted: true });
    render();
    flush();
  };

  async function finishStop() {
    const left = (await allChunks()).filter((c) => c.recording === rec.id);
    if (left.length) return;
    let answer;
    try {
      answer = await call(rec.urls.stop, { body: form({ chunk_count: rec.nextSeq }) });
    } catch (_error) {
      scheduleRetry();
      return;
    }
    if (!answer.ok) {
      refuse(answer);
      if (answer.status >= 500) scheduleRetry();
      if (answer.status !== 409) return;
    }
    await deleteSession(rec.id);
    rec.stopWanted = false;
    rec.status = "idle";
    rec.missing = (answer.data && answer.data.missing) || [];
    panel.dataset.lastRecording = String(rec.id);
    panel.dataset.stopped = "1";
    render();
  }

  Object.entries({ start, pause, resume, stop }).forEach(([name, fn]) => {
    buttons[name].addEventListener("click", () => {
      const message = buttons[name].dataset.confirm;
      if (message && !window.confirm(message)) return;
      fn();
    });
  });
  window.addEventListener("online", () => {
    backoff = 1000;
    flush();
  });

  // --- after a reload: continue the recording this browser was making ------------------------
  const restore = async () => {
    const active = Number(panel.dataset.active || 0);
    let session = null;
    if (active) session = await getSession(active);
    const leftovers = (await allChunks()).map((c) => c.recording);
    if (active && session) {
      if (session.stopWanted) {
        const answer = await call(panel.dataset.statusUrl, { method: "GET" }).catch(() => null);
        if (answer && answer.ok) adopt(answer.data);
        else rec.id = active;
        rec.nextSeq = session.nextSeq;
        rec.stopWanted = true;
        rec.status = "stopping";
        render();
      } else {
        await start();
      }
    } else if (!active) {
      // A stop that was not acknowledged before the reload, for a recording the server still lists.
      const sessions = await tx("sessions", "readonly", (s) => s.getAll());
      const mine = (sessions || []).find((s) => s.meetingId === meetingId && s.stopWanted);
      if (mine) {
        rec.id = mine.recording;
        rec.urls = {
          chunk: `/recordings/${mine.recording}/chunks/`,
          stop: `/recordings/${mine.recording}/stop/`,
        };
        rec.nextSeq = mine.nextSeq;
        rec.stopWanted = true;
        rec.status = "stopping";
      }
    }
    render();
    if (leftovers.length || rec.stopWanted) flush();
  };

  // The meeting ended while recording: stop, so the last pieces are sent and the recording closed.
  const watchRoom = (room) =>
    room.on("status", (status) => {
      if (status === "ended" && (rec.status === "recording" || rec.status === "paused")) stop();
    });
  if (window.LiveRoom) watchRoom(window.LiveRoom);
  else document.addEventListener("live:ready", (event) => watchRoom(event.detail), { once: true });

  window.EcabinetRecorder = { state: rec, flush, serverNow };
  restore().catch((error) => setError(String(error)));
})();
