// In-meeting votes on the three screens of the meeting room (plugs into live-room.js).
//
// Attendee: the open vote with one button per option; the ballot goes over the websocket (or
// the HTTP form when the socket is down) and the answer says whether it was recorded.
// Console: the form to create a vote, open/close buttons, live progress ("đã biểu quyết 37/52")
// and the results. Projector: progress of the open vote, results of closed ones.
// All user input (questions, options, names) is written with textContent.
(() => {
  "use strict";

  const start = (room) => {
    const container = document.getElementById("live-polls");
    if (!container) return;
    const mode = container.dataset.console ? "console" : container.dataset.display ? "display" : "room";
    const gettext = (text) => (typeof window.gettext === "function" ? window.gettext(text) : text);
    const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));
    const urlFor = (template, pollId) => template.replace("/polls/0/", `/polls/${pollId}/`);
    const progress = new Map(); // poll id -> voted (from unnumbered poll_progress messages)

    const el = (tag, className, text) => {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    };

    const results = (poll) => {
      const box = el("div", "live-poll-results mt-2");
      (poll.questions_results || []).forEach((question) => {
        const total = question.options.reduce((sum, option) => sum + option.count, 0);
        const list = el("ul", "list-unstyled mb-1");
        question.options.forEach((option) => {
          const item = el("li", "d-flex justify-content-between gap-2");
          item.append(el("span", "", option.label), el("strong", "", `${option.count}${total ? ` (${Math.round((option.count * 100) / total)}%)` : ""}`));
          list.append(item);
        });
        box.append(list);
        if (question.others && question.others.length && mode !== "display") {
          const others = el("ul", "small mb-1");
          question.others.forEach((other) => others.append(el("li", "", other.voter ? `${other.voter}: ${other.text}` : other.text)));
          box.append(others);
        }
        if (question.named_count && mode !== "display" && container.dataset.namedUrl) {
          // The list is fetched when opened: it is not part of the event every screen receives.
          const details = el("details", "small");
          details.dataset.testid = "named-choices";
          details.append(el("summary", "", fill(gettext("Each delegate's choice (%(count)s)"), { count: question.named_count })));
          const named = el("ul", "mb-0");
          details.append(named);
          details.addEventListener("toggle", async () => {
            if (!details.open || details.dataset.loaded) return;
            details.dataset.loaded = "1";
            named.replaceChildren(el("li", "text-body-secondary", gettext("Loading…")));
            try {
              const response = await fetch(urlFor(container.dataset.namedUrl, poll.id), {
                credentials: "same-origin",
                headers: { Accept: "application/json" },
              });
              if (!response.ok) throw new Error(String(response.status));
              const body = await response.json();
              const entry = (body.questions || []).find((q) => q.question_id === question.question_id);
              named.replaceChildren(...((entry && entry.named) || []).map((row) => el("li", "", `${row.voter}: ${row.option}`)));
            } catch (_error) {
              delete details.dataset.loaded;
              named.replaceChildren(el("li", "text-danger", gettext("The list could not be loaded. Close it and open it again.")));
            }
          });
          box.append(details);
        }
      });
      return box;
    };

    const castButtons = (poll, state) => {
      const box = el("div", "d-grid gap-2 mt-2");
      const question = poll.questions[0];
      if (!question) return box;
      question.options.forEach((option) => {
        const button = el("button", "btn btn-outline-primary btn-lg", option.label);
        button.type = "button";
        button.dataset.testid = "vote-option";
        button.addEventListener("click", async () => {
          box.querySelectorAll("button").forEach((b) => (b.disabled = true));
          const choices = { [String(question.id)]: option.id };
          let answer;
          if (room.connected()) {
            answer = await room.send({ type: "vote", poll: poll.id, choices });
          } else {
            const form = new FormData();
            form.append(`option_${question.id}`, String(option.id));
            const posted = await room.post(urlFor(container.dataset.voteUrl, poll.id), form);
            answer = posted.ok ? { type: "ok" } : { type: "error", error: posted.error };
          }
          if (answer.type === "ok" || (answer.data && answer.data.status === "duplicate")) {
            state.my_votes = [...(state.my_votes || []), poll.id];
          } else {
            box.querySelectorAll("button").forEach((b) => (b.disabled = false));
          }
          if (answer.type !== "ok") {
            const alert = el("div", "alert alert-warning mt-2 mb-0", answer.error || gettext("Something went wrong. Try again."));
            box.append(alert);
          }
          draw(state.polls, state);
        });
        box.append(button);
      });
      return box;
    };

    const chairButtons = (poll) => {
      const box = el("div", "d-flex gap-2 mt-2");
      const step = (label, template, style, testid) => {
        const button = el("button", `btn btn-sm ${style}`, label);
        button.type = "button";
        button.dataset.testid = testid;
        button.addEventListener("click", async () => {
          button.disabled = true;
          const answer = await room.post(urlFor(template, poll.id), new FormData());
          if (!answer.ok) window.alert(answer.error);
          button.disabled = false;
        });
        return button;
      };
      if (poll.state === "draft") box.append(step(gettext("Open the vote"), container.dataset.openUrl, "btn-primary", "vote-open"));
      if (poll.state === "open") box.append(step(gettext("Close the vote"), container.dataset.closeUrl, "btn-danger", "vote-close"));
      return box;
    };

    const createForm = () => {
      const form = el("form", "card card-body mb-3 live-poll-create");
      form.dataset.testid = "vote-create";
      const question = el("textarea", "form-control mb-2");
      question.name = "question";
      question.rows = 2;
      question.required = true;
      question.placeholder = gettext("Question to vote on");
      const options = el("textarea", "form-control mb-2");
      options.name = "options";
      options.rows = 2;
      options.placeholder = gettext("Options, one per line (empty: in favour / against / abstain)");
      const secretLabel = el("label", "form-check-label", gettext("Secret vote"));
      const secret = el("input", "form-check-input");
      secret.type = "checkbox";
      secret.name = "secret";
      secret.value = "1";
      secret.id = "live-poll-secret";
      secretLabel.htmlFor = secret.id;
      const check = el("div", "form-check mb-2");
      check.append(secret, secretLabel);
      const submit = el("button", "btn btn-primary", gettext("Create and open the vote"));
      submit.type = "submit";
      submit.dataset.testid = "vote-create-submit";
      form.append(el("h3", "h6", gettext("New vote")), question, options, check, submit);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const data = new FormData(form);
        data.append("open", "1");
        submit.disabled = true;
        const answer = await room.post(container.dataset.createUrl, data);
        submit.disabled = false;
        if (answer.ok) form.reset();
        else window.alert(answer.error);
      });
      return form;
    };

    // The attendee's announcement of a vote (room only): a banner at the top of the screen in an
    // assertive live region, kept while a vote is open that they have not voted in. A vote that
    // opens while the page is open also vibrates the phone (where supported) and brings the
    // ballot into view, unless the person is typing.
    const announcer = mode === "room" ? document.querySelector('[data-live="vote-announcer"]') : null;
    const announced = new Set();
    let firstDraw = true;
    const typing = () => {
      const active = document.activeElement;
      return Boolean(active && (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && active.type !== "checkbox")));
    };
    const vibrate = () => {
      if (typeof navigator.vibrate !== "function") return;
      try {
        navigator.vibrate([200, 100, 200]);
      } catch (_error) {
        // not allowed yet (no tap on the page so far): the banner is enough
      }
    };
    const announce = (polls, state) => {
      if (!announcer) return;
      const me = state.me || {};
      const running = Boolean(state.meeting && state.meeting.status === "in_progress");
      const waiting = me.attends && running ? polls.filter((p) => p.state === "open" && !(state.my_votes || []).includes(p.id)) : [];
      if (!waiting.length) {
        announcer.replaceChildren();
        return;
      }
      const newest = waiting[waiting.length - 1];
      const fresh = waiting.filter((p) => !announced.has(p.id));
      waiting.forEach((p) => announced.add(p.id));
      const banner = el("div", "alert alert-warning shadow d-flex flex-wrap align-items-center justify-content-between gap-2 mb-2 live-vote-banner");
      banner.dataset.testid = "vote-banner";
      const text = el("div", "");
      text.append(el("strong", "d-block", gettext("A vote is open")), el("span", "", newest.title));
      const checkedIn = me.attendance && ["present", "late"].includes(me.attendance.status);
      const go = el("button", "btn btn-warning fw-semibold", checkedIn ? gettext("Vote now") : gettext("Check in to vote."));
      go.type = "button";
      go.dataset.testid = "vote-banner-go";
      go.addEventListener("click", () => {
        const card = container.querySelector(`[data-poll="${newest.id}"]`);
        if (card) card.scrollIntoView({ block: "center", behavior: "smooth" });
        const first = card && card.querySelector('[data-testid="vote-option"]');
        if (first) first.focus({ preventScroll: true });
      });
      banner.append(text, go);
      announcer.replaceChildren(banner);
      if (fresh.length && !firstDraw) {
        vibrate();
        if (!typing()) {
          const card = container.querySelector(`[data-poll="${newest.id}"]`);
          if (card) card.scrollIntoView({ block: "center" });
        }
      }
    };

    let form = null;
    const draw = (polls, state) => {
      const list = Array.isArray(polls) ? polls : [];
      // Votes are created and cast while the meeting is in progress; once it has ended the
      // screens keep the results and offer no button (the server refuses them too).
      const meetingStatus = (state.meeting && state.meeting.status) || "";
      const running = meetingStatus === "in_progress";
      const visible = mode === "console" ? list : list.filter((p) => p.state !== "draft");
      container.hidden = mode !== "console" && visible.length === 0;
      if (mode === "console" && !form && container.dataset.createUrl) form = createForm();
      const cards = visible
        .slice()
        .reverse()
        .map((poll) => {
          const card = el("article", "card mb-2 live-poll");
          card.dataset.poll = String(poll.id);
          const body = el("div", "card-body");
          body.append(el("h3", "h6 mb-1", poll.title));
          const voted = Math.max(progress.get(poll.id) || 0, poll.voted || 0);
          const status = el("div", "small text-body-secondary", `${poll.state_label}${poll.secret ? ` · ${gettext("secret")}` : ""}`);
          body.append(status);
          if (poll.state !== "draft" && mode !== "room") {
            const count = el("div", "fw-semibold live-poll-progress", fill(gettext("Voted: %(voted)s/%(eligible)s"), { voted, eligible: poll.eligible }));
            count.dataset.testid = "vote-progress";
            body.append(count);
          }
          if (poll.state === "open" && mode === "room" && running) {
            if ((state.my_votes || []).includes(poll.id)) {
              const done = el("div", "alert alert-success mt-2 mb-0", gettext("Your vote was recorded."));
              done.dataset.testid = "vote-recorded";
              body.append(done);
            } else if (state.me && state.me.attendance && ["present", "late"].includes(state.me.attendance.status)) {
              body.append(castButtons(poll, state));
            } else {
              body.append(el("div", "small mt-2", gettext("Check in to vote.")));
            }
          }
          if (poll.state === "closed") {
            const box = results(poll);
            box.dataset.testid = "vote-results";
            body.append(box);
          }
          if (mode === "console" && meetingStatus !== "ended") body.append(chairButtons(poll));
          card.append(body);
          return card;
        });
      container.replaceChildren(...(form && running ? [form] : []), ...cards);
      announce(list, state);
      firstDraw = false;
    };

    room.render("polls", draw);
    room.on("poll_progress", (data, state) => {
      progress.set(data.id, data.voted);
      container.querySelectorAll(`[data-poll="${data.id}"] .live-poll-progress`).forEach((node) => {
        const poll = (state.polls || []).find((p) => p.id === data.id);
        node.textContent = fill(gettext("Voted: %(voted)s/%(eligible)s"), { voted: data.voted, eligible: poll ? poll.eligible : "?" });
      });
    });
  };

  if (window.LiveRoom) start(window.LiveRoom);
  else document.addEventListener("live:ready", (event) => start(event.detail), { once: true });
})();
