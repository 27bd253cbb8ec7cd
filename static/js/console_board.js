// The facilitator's board: every note can be edited or deleted, and dragged between
// columns and into groups with a mouse or a finger (SortableJS); the panel beside it
// runs the workshop: steps, private writing, lock, pseudonyms, timer, vote, spotlight
// and actions. Every control sends one command; the screens follow the broadcast.
import Sortable from "../vendor/sortable.esm.js";
import { count, t } from "./i18n.js";
import { renderActions, renderRanking, startBoard, targetLabel } from "./board_screen.js";
import { el } from "./notes.js";

const $ = (id) => document.getElementById(id);
const errorBox = $("board-error");
const sortable = new WeakSet();

function send(event, payload = {}) {
  link.send(event, payload);
}

function smallButton(text, onclick, cls = "secondary small") {
  return el("button", { type: "button", class: cls, text, onclick });
}

function noteIndex(list, item) {
  return [...list.children].filter((c) => c.dataset.id).indexOf(item);
}

/** Make every note list and group holder of the board draggable (once each). */
function makeSortable() {
  for (const list of document.querySelectorAll("#board ul.notes")) {
    if (sortable.has(list)) continue;
    sortable.add(list);
    Sortable.create(list, {
      group: "notes",
      animation: 150,
      delay: 150,
      delayOnTouchOnly: true, // a tap still scrolls; a long press drags
      filter: ".empty, button, textarea",
      preventOnFilter: false,
      onStart: () => { view.frozen = true; },
      onEnd: (evt) => {
        view.frozen = false;
        const id = Number(evt.item.dataset.id);
        const column = Number(evt.to.dataset.column);
        const group = Number(evt.to.dataset.group || 0);
        const index = noteIndex(evt.to, evt.item);
        if (id && (evt.from !== evt.to || evt.oldIndex !== evt.newIndex)) {
          // Apply the move locally at once, so the redraw keeps the note where it was dropped.
          const note = view.notes.get(id);
          if (note) Object.assign(note, { column, group: group || null });
          [...evt.to.children].filter((c) => c.dataset.id).forEach((c, i) => {
            const n = view.notes.get(Number(c.dataset.id));
            if (n) n.position = i;
          });
          send("note:move", { note: id, column, index, group });
        }
        view.place();
      },
    });
  }
  for (const holder of document.querySelectorAll("#board .groups")) {
    if (sortable.has(holder)) continue;
    sortable.add(holder);
    Sortable.create(holder, {
      group: "groups",
      animation: 150,
      delay: 150,
      delayOnTouchOnly: true,
      handle: "h3",
      onStart: () => { view.frozen = true; },
      onEnd: (evt) => {
        view.frozen = false;
        const id = Number(evt.item.dataset.group);
        const column = Number(evt.to.dataset.column);
        if (id && (evt.from !== evt.to || evt.oldIndex !== evt.newIndex)) {
          const group = view.groups.get(id);
          if (group) Object.assign(group, { column, position: evt.newIndex - 0.5 });
          send("group:edit", { group: id, column, index: evt.newIndex });
        }
        view.place();
      },
    });
  }
}

function actionFrom(kind, id) {
  send("action:add", kind === "note" ? { note: id } : { group: id });
}

const { view, link } = startBoard("console", {
  actions: {
    columnsChanged() {
      queueMicrotask(makeSortable);
    },
    decorateColumn(column, tools) {
      tools.append(smallButton(`+ ${t("new_group")}`, () => {
        const title = prompt(t("group_name"), `${t("new_group")} ${view.groups.size + 1}`);
        if (title && title.trim()) send("group:add", { column: column.id, title: title.trim() });
      }));
    },
    decorateGroup(group, tools) {
      tools.append(
        smallButton(t("rename"), () => {
          const title = prompt(t("group_name"), group.title);
          if (title && title.trim()) send("group:edit", { group: group.id, title: title.trim() });
        }),
        smallButton(t("split"), () => confirm(t("confirm_split")) && send("group:delete", { group: group.id })),
        smallButton(`★ ${t("spotlight")}`, () => send("board:spotlight", { kind: "group", id: group.id })),
        smallButton(`→ ${t("make_action")}`, () => actionFrom("group", group.id)),
      );
    },
    decorate(note, item) {
      if (view.state.private) return;
      item.querySelector(".actions")?.append(
        smallButton("★", () => send("board:spotlight", { kind: "note", id: note.id })),
        smallButton(`→ ${t("make_action")}`, () => actionFrom("note", note.id)),
        smallButton(t("purge"), () => confirm(t("confirm_purge")) && send("note:purge", { note: note.id }),
          "danger small"),
      );
      item.querySelector(".actions button:nth-last-child(2)")?.setAttribute("aria-label", t("spotlight"));
    },
  },
  changed: follow,
  rejected(item, error) {
    if (item.event === "note:move" || item.event === "group:edit") {
      // The local move was refused: take the server's board again.
      link.seq = null;
      link.join();
    }
    errorBox.textContent = error.message;
    errorBox.classList.remove("hidden");
    setTimeout(() => errorBox.classList.add("hidden"), 6000);
  },
});

// ---- the panel -------------------------------------------------------------------
function follow() {
  const s = view.state;
  for (const button of $("steps").querySelectorAll("button")) {
    const current = button.dataset.phase === s.phase;
    button.setAttribute("aria-pressed", String(current));
    button.classList.toggle("secondary", !current);
  }
  $("private").checked = s.private;
  $("private").disabled = s.phase !== "collect";
  $("reveal").hidden = !s.private;
  $("locked").checked = s.locked;
  $("anonymity").value = s.anonymity;

  const v = view.vote;
  const fill = (text) => text.replace("{dots}", count("dots", v.cast)).replace("{people}", count("people", v.voters));
  $("vote-status").textContent = !v ? t("vote_none") : fill(v.open ? t("vote_open_status") : t("vote_closed_status"));
  $("vote-form").hidden = s.phase !== "vote" || !!(v && v.open);
  $("vote-close").hidden = !(v && v.open);
  $("vote-reveal").hidden = !v || v.revealed;
  renderRanking($("results"), view);

  const lit = s.spotlight;
  $("spot-status").textContent = lit
    ? `${t("lit")} ${targetLabel(view, lit.kind === "note" ? "notes" : "groups", lit.id)}`
    : t("nothing_lit");
  $("spot-release").hidden = !lit;

  renderActions($("actions"), view, (action, item) => {
    item.append(el("div", { class: "row" },
      smallButton(t("edit"), () => {
        const what = prompt(t("actions"), action.what);
        if (what && what.trim()) send("action:edit", { action: action.id, what: what.trim() });
      }),
      smallButton(t("delete"), () => send("action:delete", { action: action.id }), "danger small")));
  });
  makeSortable();
}

$("steps").addEventListener("click", (e) => {
  const phase = e.target.closest("button")?.dataset.phase;
  if (phase) send("board:set", { phase });
});
$("private").addEventListener("change", (e) => send("board:set", { private: e.target.checked }));
$("reveal").addEventListener("click", () => send("board:set", { private: false }));
$("locked").addEventListener("change", (e) => send("board:set", { locked: e.target.checked }));
$("anonymity").addEventListener("change", (e) => {
  if (e.target.value === "anonymous" && !confirm(t("confirm_anonymous"))) {
    e.target.value = view.state.anonymity;
    return;
  }
  send("board:set", { anonymity: e.target.value });
});

$("timer-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const minutes = Number($("timer-minutes").value);
  if (minutes > 0) {
    send("board:timer", { action: "start", seconds: Math.round(minutes * 60), locks: $("timer-locks").checked });
  }
});
$("timer-locks").addEventListener("change", (e) => {
  if (view.state.timer) send("board:timer", { action: view.state.timer.ends_at ? "resume" : "pause", locks: e.target.checked });
});
for (const button of document.querySelectorAll("[data-timer]")) {
  button.addEventListener("click", () => {
    const payload = { action: button.dataset.timer };
    if (button.dataset.seconds) payload.seconds = Number(button.dataset.seconds);
    send("board:timer", payload);
  });
}

$("vote-form").addEventListener("submit", (e) => {
  e.preventDefault();
  send("vote:open", {
    budget: Number($("vote-budget").value),
    cap: Number($("vote-cap").value),
    target: $("vote-target").value,
    hide_results: $("vote-hide").checked,
  });
});
$("vote-close").addEventListener("click", () => send("vote:close", { vote: view.vote.id }));
$("vote-reveal").addEventListener("click", () => send("vote:reveal", { vote: view.vote.id }));
$("spot-release").addEventListener("click", () => send("board:spotlight", {}));

$("action-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const what = $("action-what").value.trim();
  if (!what) return;
  send("action:add", { what, organisation: Number($("action-org").value), due: $("action-due").value });
  $("action-what").value = "";
  $("action-due").value = "";
});

// The workshop's summary, for the bilan: written here by whoever runs the board.
const summaryForm = document.getElementById("summary-form");
summaryForm?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const box = document.getElementById("summary-status");
  const code = document.getElementById("app").dataset.code;
  const response = await fetch(`/api/events/${code}/workshops/${summaryForm.dataset.workshop}`, {
    method: "PATCH", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
    body: JSON.stringify({ summary: summaryForm.summary.value }),
  });
  const data = await response.json().catch(() => ({ ok: false }));
  box.textContent = data.ok ? t("saved") : (data.error?.message || t("error"));
});
