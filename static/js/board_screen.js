// What the phone, the projector and the facilitator's board share: a BoardView
// driven by a BoardLink, the status line, the workshop header, the phase and the timer.
import { BoardLink } from "./connection.js";
import { count, t } from "./i18n.js";
import { BoardView, el, noteBody } from "./notes.js";
import { statusHandlers } from "./screen_status.js";

function twoDigits(n) {
  return String(n).padStart(2, "0");
}

/** mm:ss (or h:mm:ss) of a duration in ms, rounded up so that 0:00 means "over". */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}:${twoDigits(m)}:${twoDigits(s)}` : `${m}:${twoDigits(s)}`;
}

/** Time left on the board's timer, in ms, by the server's clock (null without a timer). */
export function timeLeft(timer, serverNow) {
  if (!timer) return null;
  // Never more than the timer's total: a clock estimate a few ms behind would show 5:01 for 5:00.
  if (timer.ends_at) return Math.min(timer.total, Math.max(0, timer.ends_at - serverNow));
  return timer.left ?? 0;
}

export function startBoard(mode, extra = {}) {
  const app = document.getElementById("app");
  const boardId = Number(app.dataset.board);
  const status = document.getElementById("status");
  const timerBox = document.getElementById("timer");
  const phaseBox = document.getElementById("phase");
  const view = new BoardView(document.getElementById("board"), mode, {
    workshop(w) {
      document.getElementById("workshop-title").textContent = w.title;
      const q = document.getElementById("workshop-question");
      q.textContent = w.question || "";
      q.classList.toggle("hidden", !w.question);
    },
    edit(note, text) {
      link.send("note:edit", { note: note.id, text, version: note.version });
    },
    remove(note) {
      link.send("note:delete", { note: note.id });
    },
    bilan(note, keep) {
      link.send("note:bilan", { note: note.id, keep });
    },
    vote(kind, id, delta) {
      link.send(delta > 0 ? "vote:cast" : "vote:uncast", { vote: view.vote.id, target: id });
    },
    changed(v) {
      if (phaseBox) {
        phaseBox.dataset.phase = v.state.phase;
        phaseBox.textContent = t(`phase_${v.state.phase}`);
      }
      document.body.dataset.phase = v.state.phase;
      document.body.classList.toggle("is-locked", v.lockedNow(link.serverNow()));
      tick();
      extra.changed?.(v);
    },
    ...extra.actions,
  });
  view.draftPrefix = `relais:edit:${boardId}:`;

  // The countdown is drawn from the server's clock, so every screen shows the same second.
  let wasLocked = null;
  function tick() {
    const now = link.serverNow();
    const left = timeLeft(view.state.timer, now);
    if (timerBox) {
      timerBox.hidden = left === null;
      if (left !== null) {
        timerBox.textContent = clock(left);
        timerBox.dataset.state = !view.state.timer.ends_at ? "paused" : left === 0 ? "over" : left < 60000 ? "soon" : "running";
        timerBox.setAttribute("aria-label", `${t("time_left")} ${clock(left)}`);
      }
    }
    const locked = view.lockedNow(now);
    if (locked !== wasLocked) {
      wasLocked = locked;
      document.body.classList.toggle("is-locked", locked);
      if (wasLocked !== null) view.refreshAll(); // the timer just locked the board: buttons follow
    }
  }
  setInterval(tick, 250);

  const link = new BoardLink(boardId, {
    snapshot: (board, mine, facilitator) => {
      view.load(board, mine, facilitator);
      extra.loaded?.(board);
    },
    change: (name, data) => {
      view.apply(name, data);
      extra.changed?.(view, name, data);
    },
    own: (name, data) => {
      if (name === "vote:mine") {
        view.setMyDots(data);
      } else if (data.deleted) {
        view.removeNote(data.deleted);
        view.place();
      } else {
        view.upsert(data.note, true);
        view.addMine(data.note.id);
        view.place();
      }
    },
    mine: (ids) => {
      view.setMine(ids);
      view.reopenDrafts();
    },
    vote: (vote) => {
      view.vote = vote;
      view.refreshAll();
    },
    acked: (item, ack) => {
      // The ack carries what the broadcast carries; applying both is harmless.
      if (item.event === "note:delete") {
        view.removeNote(item.payload.note);
      } else if (ack.mine && ack.vote) {
        view.setVote({ ...ack.vote, mine: ack.mine });
      } else if (ack.note) {
        view.upsert(ack.note);
        if (item.event === "note:add") view.addMine(ack.note.id);
      }
      view.place();
    },
    rejected: (item, error) => {
      if (item.event === "board:join" && error.code === "not_facilitator") {
        status.dataset.state = "offline";
        status.textContent = t("access_revoked");
        link.close();
        return;
      }
      if (error.code === "conflict" && error.note) view.upsert(error.note);
      view.place();
      extra.rejected?.(item, error);
    },
    outbox: (items) => view.setPending(items),
    ...statusHandlers(status),
    deleted: () => {
      status.dataset.state = "offline";
      status.textContent = t("board_deleted");
    },
    revoked: () => {
      // Reconnect with this browser's cookie as it is now: the browser that made the new link
      // holds it and carries on; a laptop that only had the old link is refused and says so.
      link.seq = null;
      link.socket.disconnect();
      link.socket.connect();
    },
    files: (state) => {
      const box = document.getElementById("files-warning");
      if (!box) return;
      box.hidden = state.ok;
      if (!state.ok) box.textContent = t("files_behind").replace("{cause}", t(`cause_${state.cause || "other"}`));
    },
  }, mode);
  return { app, view, link };
}

/** The label of a vote target: the note's first line or the group's title. */
export function targetLabel(view, kind, id) {
  if (kind === "groups") return view.groups.get(id)?.title || "…";
  const text = view.notes.get(id)?.text || "…";
  const first = text.split("\n")[0];
  return first.length > 140 ? `${first.slice(0, 140)} …` : first;
}

function bar(percent) {
  const node = el("span", { class: "bar" });
  node.style.setProperty("--share", `${percent}%`); // CSSOM, which the page's CSP allows (a style attribute is not)
  return node;
}

/** Draw the vote's results as a ranking with bars (nothing while results are hidden). */
export function renderRanking(container, view) {
  const v = view.vote;
  const shown = !!(v && v.results && v.results.length);
  container.hidden = !shown;
  if (!shown) return;
  const max = Math.max(...v.results.map((r) => r.dots), 1);
  // A note ranked shows as the room read it (its Markdown rendered); a group, by its title.
  const label = (id) => (v.target === "notes" && view.notes.has(id) ? noteBody(view.notes.get(id))
    : el("span", { text: targetLabel(view, v.target, id) }));
  const rows = v.results.map((r, i) => el("li", { class: "rank", "data-id": r.id },
    el("span", { class: "rank-label" }, el("span", { class: "rank-n", text: `${i + 1}.` }), label(r.id)),
    bar((r.dots / max) * 100),
    el("span", { class: "rank-count", text: count("dots", r.dots) })));
  container.replaceChildren(el("h2", { text: t("results") }), el("ol", { class: "ranking" }, ...rows));
}

/** Draw the actions decided so far (what, organisation, due date). */
export function renderActions(container, view, tools = null) {
  const list = view.actionList || [];
  container.hidden = !list.length && !tools;
  const rows = list.map((a) => {
    const who = [a.organisation_name, a.due ? `${t("due")} ${a.due_label || a.due}` : ""].filter(Boolean).join(" · ");
    const item = el("li", { class: "action", "data-action": a.id },
      el("span", { class: "what", text: a.what }), who ? el("span", { class: "who", text: who }) : null);
    tools?.(a, item);
    return item;
  });
  container.replaceChildren(el("h2", { text: t("actions") }),
    rows.length ? el("ul", { class: "actions-list" }, ...rows) : el("p", { class: "muted", text: t("no_actions") }));
}
