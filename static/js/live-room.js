// Meeting room screens: the attendee's phone, the chair console and the room's projector.
//
// The server renders the page with a snapshot of the room embedded as JSON (#live-snapshot);
// this script keeps the page current. It listens on the meeting's websocket: the server sends a
// snapshot when the socket opens and then numbered events. An event with the next number is
// applied, an older one ignored, a gap means something was lost and a fresh snapshot is asked
// for; unnumbered events (vote progress) are applied as they come. When the socket cannot
// connect, the script reconnects with backoff and meanwhile polls snapshot.json.
//
// Other parts of the room plug in through window.LiveRoom (see the bottom of this file):
//   LiveRoom.on(kind, fn)          fn(data, state) after an event of that kind is applied;
//                                  kind "snapshot": fn(state) after every snapshot
//   LiveRoom.reduce(kind, fn)      fn(state, data) updates state for an event kind (replaces
//                                  the default update of that kind)
//   LiveRoom.render(name, fn)      fn(state[name], state, container, kind) after every snapshot
//                                  and event; container is #live-<name> (e.g. #live-polls)
//   LiveRoom.post(url, data)       POST with the CSRF token, Promise of {ok, data|error}
//   LiveRoom.send(message)         a message over the socket with a `ref`, Promise of the answer
//   LiveRoom.state                 the snapshot, kept current (read it, do not replace it)
// Forms marked data-live-post are sent with fetch (JSON answer; the error goes to the alert
// area); data-live-clear empties the form after success, data-live-reset closes its <details>;
// data-confirm asks first. The form dispatches "live:posted" with {ok, data|error}.
// Names, topics and comments are user input: everything is written with textContent.
(() => {
  "use strict";
  const root = document.getElementById("live-room");
  if (!root) return;

  // --- texts --------------------------------------------------------------------------------
  // Named `gettext` so that makemessages (xgettext) finds the literal strings for djangojs.po.
  const gettext = (text) => (typeof window.gettext === "function" ? window.gettext(text) : text);
  const pgettext = (context, text) => (typeof window.pgettext === "function" ? window.pgettext(context, text) : text);
  const t = gettext;
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));
  const readJSON = (id) => {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  };
  const labels = readJSON("live-labels") || { meeting_status: {}, attendance_status: {}, quorum_rule: {} };

  const mode = root.dataset.mode || "room";
  const snapshotUrl = root.dataset.snapshotUrl || "";
  // Server clock minus this clock, so every screen runs the same speaking timer.
  const clockOffset = root.dataset.serverNow ? Number(root.dataset.serverNow) - Date.now() : 0;
  const POLL_MS = 5000;
  const QR_REFRESH_MS = 30000;
  const WARNING_SECONDS = 30;
  const PRESENT = ["present", "late"];

  const state = {};
  const hooks = new Map();
  const reducers = new Map();
  const renderers = new Map();

  const $ = (selector) => root.querySelector(selector);
  const $$ = (selector) => Array.from(document.querySelectorAll(selector));
  const setText = (element, text) => {
    if (element && element.textContent !== text) element.textContent = text;
  };
  const call = (fn, ...args) => {
    try {
      fn(...args);
    } catch (error) {
      console.error("live room hook failed", error);
    }
  };
  const emit = (kind, ...args) => (hooks.get(kind) || []).forEach((fn) => call(fn, ...args));

  // --- alert area ---------------------------------------------------------------------------
  const alertBox = $('[data-live="alert"]');
  const showAlert = (text) => {
    if (!alertBox) return;
    alertBox.textContent = text;
    alertBox.hidden = false;
  };
  const hideAlert = () => {
    if (alertBox) alertBox.hidden = true;
  };

  // --- rendering ----------------------------------------------------------------------------
  const currentItem = () => {
    const id = state.meeting && state.meeting.current_item_id;
    return (state.agenda || []).find((item) => item.id === id) || null;
  };

  const renderMeeting = () => {
    const meeting = state.meeting || {};
    const status = meeting.status || "";
    const badge = $('[data-live="status"]');
    if (badge) {
      badge.dataset.status = status;
      setText(badge, labels.meeting_status[status] || status);
    }
    const mine = state.me && state.me.attendance;
    const checkedIn = Boolean(mine && PRESENT.includes(mine.status));
    $$("[data-live-when]").forEach((element) => {
      const hide = element.hasAttribute("data-live-checkin") && checkedIn;
      element.hidden = hide || !element.dataset.liveWhen.split(" ").includes(status);
    });
    const discussion = $('[data-live="discussion"]');
    if (discussion) discussion.hidden = !meeting.discussion_open;
    $$("[data-live-discussion-button]").forEach((button) => {
      button.hidden = (button.dataset.liveDiscussionButton === "open") === Boolean(meeting.discussion_open);
    });

    const item = currentItem();
    setText($('[data-live="current-item"]'), item ? `${item.order}. ${item.title}` : "—");
    setText($('[data-live="current-presenter"]'), item ? item.presenter || "" : "");
    const conclusionBox = $('[data-live="current-conclusion-box"]');
    if (conclusionBox) conclusionBox.hidden = !(item && item.conclusion);
    setText($('[data-live="current-conclusion"]'), item ? item.conclusion || "" : "");

    (state.agenda || []).forEach((agendaItem) => {
      const current = item !== null && agendaItem.id === item.id;
      $$(`[data-live-agenda-item="${agendaItem.id}"]`).forEach((row) => {
        row.classList.toggle("live-agenda-current", current);
        if (current) row.setAttribute("aria-current", "step");
        else row.removeAttribute("aria-current");
        row.querySelectorAll("[data-live-move-button]").forEach((button) => {
          button.disabled = current;
        });
      });
      $$(`[data-live-conclusion="${agendaItem.id}"]`).forEach((element) => {
        setText(element, agendaItem.conclusion || "");
        element.hidden = !agendaItem.conclusion;
      });
    });
    // The attendee sees the documents of the item under discussion (and of the whole meeting).
    $$("[data-agenda-docs]").forEach((group) => {
      const itemId = group.dataset.agendaDocs;
      group.hidden = item !== null && itemId !== "" && itemId !== String(item.id);
      group.classList.toggle("live-docs-current", item !== null && itemId === String(item.id));
    });
  };

  const renderCounts = () => {
    const counts = (state.attendance && state.attendance.counts) || {};
    $$("[data-live-count]").forEach((element) => {
      const value = counts[element.dataset.liveCount];
      setText(element, value === undefined ? "—" : String(value));
    });
    $$('[data-live="quorum"]').forEach((element) => {
      element.dataset.reached = counts.quorum_reached ? "1" : "0";
      let text;
      if (counts.quorum_rule === "none") text = labels.quorum_rule.none || gettext("No quorum required");
      else if (counts.quorum_reached) text = fill(gettext("Quorum reached (%(required)s needed)"), { required: counts.quorum_required });
      else text = fill(gettext("Quorum not reached (%(required)s needed)"), { required: counts.quorum_required });
      setText(element, text);
    });
  };

  const statusLabel = (row) => (row && row.status ? row.status_label || labels.attendance_status[row.status] || row.status : "");

  const renderAttendanceList = () => {
    (state.attendance_list || []).forEach((row) => {
      const element = $(`[data-live-attendance-row="${row.invitation_id}"]`);
      if (!element) return;
      element.dataset.status = row.status || "";
      setText(element.querySelector('[data-live="att-status"]'), statusLabel(row) || gettext("Not checked in"));
    });
  };

  const renderMe = () => {
    const me = state.me;
    const mine = $('[data-live="my-attendance"]');
    if (!me || !mine) return;
    const attendance = me.attendance;
    mine.dataset.status = attendance ? attendance.status : "";
    setText(mine, attendance ? statusLabel(attendance) : gettext("Not checked in yet"));
  };

  const mmss = (seconds) => {
    const whole = Math.max(0, Math.floor(seconds));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  };

  const queueItem = (request, index) => {
    const li = document.createElement("li");
    li.className = "live-queue-item";
    li.dataset.request = String(request.id);
    const name = document.createElement("span");
    name.className = "fw-semibold";
    name.textContent = `${index + 1}. ${request.name}`;
    li.append(name);
    const detail = [request.unit, request.topic].filter(Boolean).join(" · ");
    if (detail) {
      const small = document.createElement("span");
      small.className = "small ec-muted d-block";
      small.textContent = detail;
      li.append(small);
    }
    // The chair's controls (console only): the URL template comes from _chair_queue.html.
    const decide = document.querySelector("[data-floor-decide-url]");
    if (mode === "console" && decide) {
      const bar = document.createElement("span");
      bar.className = "d-flex flex-wrap gap-1 mt-1";
      [
        ["grant", gettext("Give the floor"), "btn-primary"],
        ["up", "↑", "btn-outline-secondary"],
        ["down", "↓", "btn-outline-secondary"],
        ["skip", gettext("Skip"), "btn-outline-secondary"],
        ["refuse", gettext("Refuse"), "btn-outline-danger"],
      ].forEach(([step, label, style]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = `btn btn-sm ${style}`;
        button.textContent = label;
        button.dataset.testid = `floor-${step}`;
        const url = decide.dataset.floorDecideUrl.replace(/\/floor\/0\/grant\/$/, `/floor/${request.id}/${step}/`);
        button.addEventListener("click", async () => {
          button.disabled = true;
          const answer = await post(url, new FormData());
          if (!answer.ok) showAlert(answer.error);
          button.disabled = false;
        });
        bar.append(button);
      });
      li.append(bar);
    }
    return li;
  };

  const renderFloor = () => {
    const floor = state.floor || {};
    const speaker = floor.speaker;
    const box = $('[data-live="speaker-box"]');
    if (box) box.hidden = !speaker;
    const nobody = $('[data-live="no-speaker"]');
    if (nobody) nobody.hidden = Boolean(speaker);
    if (speaker) {
      setText($('[data-live="speaker-name"]'), speaker.name);
      setText($('[data-live="speaker-detail"]'), [speaker.unit, speaker.topic].filter(Boolean).join(" · "));
    }
    const queue = floor.queue || [];
    setText($('[data-live="queue-count"]'), String(queue.length));
    const list = $('[data-live="queue"]');
    if (list) list.replaceChildren(...queue.map(queueItem));
    renderFloorControls(speaker, queue);
    tick();
  };

  // Only the floor controls that apply: ask (in progress, no open request of mine), withdraw (my
  // request waits), end my own turn (I speak), end the turn (console: someone speaks).
  const renderFloorControls = (speaker, queue) => {
    const me = state.me || {};
    const inProgress = Boolean(state.meeting && state.meeting.status === "in_progress");
    const speaking = Boolean(speaker && me.user_id !== undefined && speaker.user_id === me.user_id);
    const position = queue.findIndex((request) => me.user_id !== undefined && request.user_id === me.user_id);
    const show = {
      request: inProgress && !speaking && position < 0,
      withdraw: inProgress && position >= 0,
      "end-own": inProgress && speaking,
      "end-turn": inProgress && Boolean(speaker),
    };
    $$("[data-live-floor]").forEach((element) => {
      element.hidden = !show[element.dataset.liveFloor];
    });
    const mine = $('[data-live="my-floor"]');
    if (mine) {
      let text = "";
      if (inProgress && speaking) text = gettext("You have the floor.");
      else if (inProgress && position >= 0) text = fill(gettext("Your request is waiting (number %(position)s in the queue)."), { position: position + 1 });
      setText(mine, text);
      mine.hidden = text === "";
    }
  };

  // The speaker's timer: time left of the limit; a warning in the last 30 s; "time is up" after.
  const tick = () => {
    const timer = $('[data-live="timer"]');
    const floor = state.floor || {};
    const speaker = floor.speaker;
    if (!timer || !speaker || !speaker.started_at) return;
    const elapsed = (Date.now() + clockOffset - Date.parse(speaker.started_at)) / 1000;
    const limit = Number(floor.limit_seconds) || 0;
    let phase = "ok";
    let text = mmss(elapsed);
    if (limit > 0) {
      const left = limit - elapsed;
      if (left <= 0) {
        phase = "over";
        text = `${gettext("Time is up")} +${mmss(-left)}`;
      } else {
        phase = left <= WARNING_SECONDS ? "warning" : "ok";
        text = mmss(Math.ceil(left));
      }
    }
    timer.dataset.phase = phase;
    timer.classList.toggle("live-timer-warning", phase === "warning");
    timer.classList.toggle("live-timer-over", phase === "over");
    setText(timer, text);
  };
  window.setInterval(tick, 250);

  // Votes: a plain list until the votes part registers its own renderer (LiveRoom.render("polls")).
  const defaultPolls = (polls, _state, container) => {
    const list = Array.isArray(polls) ? polls : [];
    container.hidden = list.length === 0;
    container.replaceChildren(
      ...list.map((poll) => {
        const card = document.createElement("div");
        card.className = "card mb-2 live-poll";
        const body = document.createElement("div");
        body.className = "card-body";
        const title = document.createElement("h2");
        title.className = "h6 mb-1";
        title.textContent = poll.title || poll.question || "";
        body.append(title);
        const status = poll.state_label || poll.status_label || "";
        if (status) {
          const badge = document.createElement("span");
          badge.className = "badge text-bg-secondary";
          badge.textContent = status;
          body.append(badge);
        }
        const results = poll.results || [];
        if (Array.isArray(results) && results.length) {
          const ul = document.createElement("ul");
          ul.className = "list-unstyled mb-0 mt-2 live-poll-results";
          results.forEach((result) => {
            const li = document.createElement("li");
            li.textContent = `${result.label}: ${result.count}`;
            ul.append(li);
          });
          body.append(ul);
        }
        card.append(body);
        return card;
      }),
    );
  };

  const renderSections = (kind) => {
    const names = new Set(["polls", ...renderers.keys()]);
    names.forEach((name) => {
      const container = document.getElementById(`live-${name}`);
      const fn = renderers.get(name) || (name === "polls" ? defaultPolls : null);
      if (fn && container) call(fn, state[name], state, container, kind);
    });
  };

  const renderAll = (kind) => {
    renderMeeting();
    renderCounts();
    renderAttendanceList();
    renderMe();
    renderFloor();
    renderSections(kind);
  };

  // --- applying the snapshot and the events ---------------------------------------------------
  const applySnapshot = (data) => {
    if (!data || typeof data.seq !== "number") return;
    const previousStatus = state.meeting && state.meeting.status;
    Object.keys(state).forEach((key) => delete state[key]);
    Object.assign(state, data);
    renderAll("snapshot");
    emit("snapshot", state);
    if (previousStatus && previousStatus !== state.meeting.status) emit("status", state.meeting.status, state);
  };

  const upsertById = (list, item) => {
    const index = list.findIndex((existing) => existing.id === item.id);
    if (index >= 0) list[index] = { ...list[index], ...item };
    else list.push(item);
  };

  const defaultReducers = {
    meeting(data) {
      state.meeting = { ...(state.meeting || {}), ...data };
    },
    attendance(data) {
      state.attendance = { counts: data.counts, row: data.row };
      if (data.row && state.me && data.row.user_id === state.me.user_id) state.me.attendance = data.row;
      // One row (a single check-in or mark) or many (a batch of check-ins from the socket).
      const rows = data.rows || (data.row ? [data.row] : []);
      rows.forEach((row) => {
        let known = false;
        (state.attendance_list || []).forEach((entry) => {
          if (entry.invitation_id === row.invitation_id) {
            Object.assign(entry, { status: row.status, status_label: row.status_label });
            known = true;
          }
        });
        if (!known && state.attendance_list && row.name) state.attendance_list.push({ ...row });
        if (state.me && row.user_id === state.me.user_id) state.me.attendance = row;
      });
    },
    attendance_rows(data) {
      // Rows of a batch of check-ins, sent to the console only (counts come separately).
      const rows = data.rows || [];
      rows.forEach((row) => {
        let known = false;
        (state.attendance_list || []).forEach((entry) => {
          if (entry.invitation_id === row.invitation_id) {
            Object.assign(entry, { status: row.status, status_label: row.status_label });
            known = true;
          }
        });
        if (!known && state.attendance_list && row.name) state.attendance_list.push({ ...row });
      });
    },
    floor(data) {
      state.floor = data;
    },
    settings(data) {
      state.settings = data;
      if (state.floor && data.speaking_limit) state.floor.limit_seconds = data.speaking_limit;
    },
    conclusion(data) {
      const item = (state.agenda || []).find((entry) => entry.id === data.item_id);
      if (item) item.conclusion = data.text;
    },
    poll(data) {
      if (Array.isArray(data.polls)) state.polls = data.polls;
      else if (data.id !== undefined) upsertById((state.polls = state.polls || []), data);
    },
  };

  const applyEvent = (kind, data) => {
    const before = state.meeting && state.meeting.status;
    const custom = reducers.get(kind);
    if (custom) call(custom, state, data);
    else if (defaultReducers[kind]) call(defaultReducers[kind], data);
    renderAll(kind);
    emit(kind, data, state);
    // Ending freezes attendance for everyone at once: read the whole room again.
    if (kind === "meeting" && before !== state.meeting.status) {
      emit("status", state.meeting.status, state);
      if (state.meeting.status === "ended") requestSnapshot();
    }
  };

  // --- the connection -----------------------------------------------------------------------
  let socket = null;
  let open = false;
  let attempts = 0;
  let pollTimer = null;
  let reconnectTimer = null;
  let awaitingSnapshot = false;
  let pending = [];
  let stopped = false;
  let nextRef = 1;
  const waiting = new Map();

  const connectionLabels = {
    connecting: () => gettext("Connecting…"),
    live: () => pgettext("connection state", "Live"),
    polling: () => gettext("Updating every few seconds"),
    closed: () => gettext("Disconnected"),
  };
  const setConnection = (name) => {
    const badge = $('[data-live="connection"]');
    if (!badge) return;
    badge.dataset.state = name;
    setText(badge, connectionLabels[name]());
  };

  const handleEvent = (event) => {
    if (event.seq === null || event.seq === undefined) {
      applyEvent(event.kind, event.data || {});
      return;
    }
    if (awaitingSnapshot) {
      pending.push(event);
      return;
    }
    if (event.seq <= state.seq) return;
    if (event.seq === state.seq + 1) {
      state.seq = event.seq;
      applyEvent(event.kind, event.data || {});
      return;
    }
    pending.push(event);
    requestSnapshot();
  };

  const receiveSnapshot = (data) => {
    applySnapshot(data);
    awaitingSnapshot = false;
    const queued = pending.sort((a, b) => a.seq - b.seq);
    pending = [];
    queued.forEach(handleEvent);
  };

  const poll = async () => {
    if (!snapshotUrl) return;
    try {
      const response = await fetch(snapshotUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 403 || response.status === 404) {
        stopPolling();
        setConnection("closed");
        return;
      }
      if (!response.ok) return;
      const data = await response.json();
      if (typeof data.seq === "number" && (data.seq >= state.seq || state.seq === undefined)) receiveSnapshot(data);
    } catch (_error) {
      // offline for a moment: the next poll or the socket catches up
    }
  };
  const startPolling = () => {
    if (pollTimer || !snapshotUrl || stopped) return;
    setConnection("polling");
    poll();
    pollTimer = window.setInterval(poll, POLL_MS);
  };
  const stopPolling = () => {
    if (pollTimer) window.clearInterval(pollTimer);
    pollTimer = null;
  };

  function requestSnapshot() {
    if (open && socket) {
      awaitingSnapshot = true;
      socket.send(JSON.stringify({ type: "snapshot" }));
    } else {
      poll();
    }
  }

  const scheduleReconnect = () => {
    if (stopped || reconnectTimer) return;
    const delay = Math.min(30000, 1000 * 2 ** attempts) * (0.5 + Math.random() / 2);
    attempts += 1;
    reconnectTimer = window.setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  };

  const onMessage = (message) => {
    if (!message || typeof message !== "object") return;
    if (message.type === "snapshot") receiveSnapshot(message.data);
    else if (message.type === "event") handleEvent(message);
    else if ((message.type === "ok" || message.type === "error") && waiting.has(message.ref)) {
      const resolve = waiting.get(message.ref);
      waiting.delete(message.ref);
      resolve(message);
    }
  };

  function connect() {
    const path = root.dataset.wsPath;
    if (!path || !("WebSocket" in window)) {
      startPolling();
      return;
    }
    setConnection(pollTimer ? "polling" : "connecting");
    let ws;
    try {
      ws = new WebSocket(`${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}${path}`);
    } catch (_error) {
      startPolling();
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.addEventListener("open", () => {
      open = true;
      attempts = 0;
      awaitingSnapshot = true; // the server sends one as soon as the socket opens
      stopPolling();
      setConnection("live");
    });
    ws.addEventListener("message", (event) => {
      try {
        onMessage(JSON.parse(event.data));
      } catch (error) {
        console.error("live room: bad message", error);
      }
    });
    ws.addEventListener("close", (event) => {
      open = false;
      socket = null;
      awaitingSnapshot = false;
      waiting.forEach((resolve) => resolve({ type: "error", error: gettext("The connection was lost. Try again.") }));
      waiting.clear();
      if (event.code === 4401 || event.code === 4404) {
        stopped = true;
        stopPolling();
        setConnection("closed");
        showAlert(event.code === 4401 ? gettext("You were signed out. Reload the page and sign in again.") : gettext("This meeting room is no longer available."));
        return;
      }
      startPolling();
      scheduleReconnect();
    });
  }

  // --- writing: forms and buttons marked data-live-post ----------------------------------------
  const csrfToken = () => {
    if (root.dataset.csrf) return root.dataset.csrf;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };

  const post = async (url, data) => {
    let body = data;
    if (!(data instanceof FormData)) {
      body = new FormData();
      Object.entries(data || {}).forEach(([key, value]) => body.append(key, value));
    }
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body,
      });
    } catch (_error) {
      return { ok: false, error: gettext("The connection was lost. Try again.") };
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (_error) {
      answer = null;
    }
    if (response.ok && answer && !answer.error) {
      if (!open) poll(); // no socket to bring the change: fetch it
      return { ok: true, data: answer };
    }
    if (answer && answer.error) return { ok: false, error: answer.error };
    if (response.status === 403) return { ok: false, error: gettext("You are not allowed to do this.") };
    return { ok: false, error: gettext("Something went wrong. Try again.") };
  };

  const submitLive = async (element, url, body) => {
    if (element.dataset.confirm && !window.confirm(element.dataset.confirm)) return;
    const buttons = element.tagName === "FORM" ? Array.from(element.querySelectorAll("button")) : [element];
    buttons.forEach((button) => button.setAttribute("aria-busy", "true"));
    buttons.forEach((button) => (button.disabled = true));
    const result = await post(url, body);
    buttons.forEach((button) => button.removeAttribute("aria-busy"));
    buttons.forEach((button) => (button.disabled = false));
    renderMeeting(); // restores the disabled state of "move to this item"
    if (result.ok) {
      hideAlert();
      if (element.tagName === "FORM" && element.hasAttribute("data-live-clear")) element.reset();
      if (element.tagName === "FORM" && element.hasAttribute("data-live-reset")) {
        const details = element.closest("details");
        if (details) details.open = false;
      }
    } else {
      showAlert(result.error);
    }
    element.dispatchEvent(new CustomEvent("live:posted", { bubbles: true, detail: result }));
  };

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-live-post]");
    if (!form) return;
    event.preventDefault();
    const body = new FormData(form);
    if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
    submitLive(form, form.dataset.livePost || form.action, body);
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-live-post]");
    if (!button || button.closest("form[data-live-post]") || !button.dataset.livePost) return;
    event.preventDefault();
    submitLive(button, button.dataset.livePost, JSON.parse(button.dataset.liveParams || "{}"));
  });

  // --- the rotating check-in code (projector and console) ----------------------------------------
  // The served qr.svg is a stand-alone SVG document. It is imported only when it parses into a
  // real SVG element (SVG namespace): an <svg> without xmlns parsed as XML, or an error document,
  // would replace the code with something drawn 0x0. The HTML parser is the fallback, since it
  // puts <svg> in the SVG namespace whatever the markup says. Each success bumps
  // data-qr-refreshes, which tests (and curious people) can watch.
  const SVG_NS = "http://www.w3.org/2000/svg";
  const parseSvg = (text) => {
    const xml = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    if (xml && xml.namespaceURI === SVG_NS && xml.localName === "svg") return xml;
    const html = new DOMParser().parseFromString(text, "text/html").querySelector("svg");
    return html && html.namespaceURI === SVG_NS ? html : null;
  };
  const qrBox = $('[data-live="qr"]');
  if (qrBox && root.dataset.qrUrl) {
    const refreshMs = Math.max(1000, Number(root.dataset.qrRefreshMs) || QR_REFRESH_MS);
    let refreshes = 0;
    const refresh = async () => {
      if (qrBox.closest("[hidden]")) return; // check-in is over (the meeting has ended)
      try {
        const response = await fetch(root.dataset.qrUrl, { credentials: "same-origin", cache: "no-store" });
        if (!response.ok) return;
        const svg = parseSvg(await response.text());
        if (!svg) return; // keep the previous code; it stays valid for another minute
        svg.removeAttribute("width");
        svg.removeAttribute("height");
        qrBox.replaceChildren(document.importNode(svg, true));
        refreshes += 1;
        qrBox.dataset.qrRefreshes = String(refreshes);
      } catch (_error) {
        // keep the previous code; it stays valid for another minute
      }
    };
    window.setInterval(refresh, refreshMs);
  }

  // --- public API ----------------------------------------------------------------------------
  const addTo = (map, key, fn) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(fn);
    return () => map.set(key, map.get(key).filter((other) => other !== fn));
  };

  window.LiveRoom = {
    mode,
    state,
    on: (kind, fn) => addTo(hooks, kind, fn),
    reduce: (kind, fn) => reducers.set(kind, fn),
    render: (name, fn) => {
      renderers.set(name, fn);
      const container = document.getElementById(`live-${name}`);
      if (container) call(fn, state[name], state, container, "snapshot");
    },
    post,
    send: (message) =>
      new Promise((resolve) => {
        if (!open || !socket) {
          resolve({ type: "error", error: gettext("The connection was lost. Try again.") });
          return;
        }
        const ref = `r${nextRef++}`;
        waiting.set(ref, resolve);
        socket.send(JSON.stringify({ ...message, ref }));
      }),
    requestSnapshot,
    connected: () => open,
    t,
  };

  applySnapshot(readJSON("live-snapshot"));
  connect();
  document.dispatchEvent(new CustomEvent("live:ready", { detail: window.LiveRoom }));
})();
