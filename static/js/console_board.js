// The facilitator's board: every note can be edited or deleted, and dragged between
// columns and into groups with a mouse or a finger (SortableJS); the panel beside it
// runs the workshop: steps, private writing, lock, pseudonyms, timer, vote, spotlight
// and actions. Every control sends one command; the screens follow the broadcast.
import Sortable from "../vendor/sortable.esm.js";
import { count, limit, t } from "./i18n.js";
import { containerKey } from "./board_state.js";
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

const live = $("board-live");
function say(text) {
  live.textContent = text;
}

/** Where a note can go: every column (its loose notes) and every group, by name. */
/** "Column: …" in the page's language, the title inserted as typed. */
const columnLabel = (column) => t("to_column").replace("{name}", () => column.title);

function places() {
  const out = [];
  for (const column of view.columns) {
    out.push({ value: `c:${column.id}`, label: columnLabel(column), column: column.id, group: 0 });
    for (const group of [...view.groups.values()].filter((g) => g.column === column.id)
      .sort((a, b) => a.position - b.position)) {
      out.push({ value: `g:${group.id}`, label: t("to_group").replace("{column}", () => column.title).replace("{name}", () => group.title),
        column: column.id, group: group.id });
    }
  }
  return out;
}

/** Move a note to the end of a column's loose notes or of a group, and say so. */
function moveTo(note, place) {
  const there = view.board.containers()[containerKey(place.column, place.group)] || [];
  const index = there.filter((id) => id !== note.id).length;
  send("note:move", { note: note.id, column: place.column, group: place.group, index });
  say(`${t("moved_to")} ${place.label}`);
}

/** Move a note one step with the keyboard: Alt+←/→ to the previous or next column, Alt+↑/↓
 * within its list. */
function moveByKey(note, key) {
  if (key === "ArrowLeft" || key === "ArrowRight") {
    const at = view.columns.findIndex((c) => c.id === note.column);
    const to = view.columns[at + (key === "ArrowLeft" ? -1 : 1)];
    if (to) moveTo(note, { column: to.id, group: 0, label: columnLabel(to) });
    return;
  }
  const siblings = view.board.containers()[view.board.containerOf(note)] || [];
  const index = siblings.indexOf(note.id) + (key === "ArrowUp" ? -1 : 1);
  if (index < 0 || index >= siblings.length) return;
  send("note:move", { note: note.id, column: note.column, group: note.group || 0, index });
  say(key === "ArrowUp" ? t("moved_up") : t("moved_down"));
}

/** A small inline form (instead of the browser's prompt()): fields, Save, Cancel. */
function inlineForm(fields, onSave, onCancel, saveText = t("save")) {
  const form = el("form", { class: "inline-form stack", onsubmit: (e) => {
    e.preventDefault();
    onSave(form);
  } }, ...fields, el("div", { class: "row" },
    el("button", { type: "submit", class: "small", text: saveText }),
    el("button", { type: "button", class: "secondary small", text: t("cancel"), onclick: onCancel })));
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") onCancel();
  });
  return form;
}

function textField(name, value, label, max) {
  const box = el("input", { type: "text", name, "aria-label": label, maxlength: String(max), required: "" });
  box.value = value;
  return box;
}

const { view, link } = startBoard("console", {
  actions: {
    columnsChanged() {
      queueMicrotask(makeSortable);
    },
    decorateColumn(column, tools) {
      const open = () => {
        const form = inlineForm([textField("title", `${t("new_group")} ${view.groups.size + 1}`, t("group_name"),
          limit("group", "title"))], (f) => {
          const title = f.title.value.trim();
          if (title) send("group:add", { column: column.id, title });
          close();
        }, close, t("create"));
        tools.replaceChildren(form);
        form.title.select();
      };
      const close = () => tools.replaceChildren(smallButton(`+ ${t("new_group")}`, open));
      close();
    },
    decorateGroup(group, tools) {
      const closeRename = () => { // the form goes; the group's menu comes back
        tools.replaceChildren();
        view.groupNode(view.groups.get(group.id) || group);
      };
      const rename = () => {
        const form = inlineForm([textField("title", group.title, t("group_name"), limit("group", "title"))], (f) => {
          const title = f.title.value.trim();
          if (title && title !== group.title) send("group:edit", { group: group.id, title });
          closeRename();
        }, closeRename);
        tools.replaceChildren(form);
        form.title.select();
      };
      const items = el("div", { class: "actions" },
        smallButton(t("rename"), rename),
        smallButton(t("split"), () => confirm(t("confirm_split")) && send("group:delete", { group: group.id })),
        view.state.private ? null : smallButton(`★ ${t("spotlight")}`, () => send("board:spotlight", { kind: "group", id: group.id })),
        view.state.private ? null : smallButton(`→ ${t("make_action")}`, () => actionFrom("group", group.id)));
      const menu = el("details", { class: "note-menu group-menu" },
        el("summary", { class: "menu-button", "aria-label": `${t("group_menu")} — ${group.title}`, title: t("group_menu") },
          el("span", { "aria-hidden": "true", text: "⋯" })), items);
      tools.append(menu);
    },
    decorate(note, item, tools) {
      item.tabIndex = 0; // reachable with Tab; Alt+arrows move it
      item.addEventListener("keydown", (e) => {
        if (!e.altKey || !["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
        e.preventDefault();
        moveByKey(view.notes.get(note.id) || note, e.key);
      });
      const choices = places().filter((pl) => !(pl.column === note.column && pl.group === (note.group || 0)));
      const where = el("select", { "aria-label": t("move_to"), "data-role": "move-to" },
        ...choices.map((pl) => el("option", { value: pl.value, text: pl.label })));
      tools.prepend(el("div", { class: "move-to row" }, where,
        el("button", { type: "button", class: "small", text: t("move"), "data-role": "move", onclick: () => {
          const chosen = choices.find((pl) => pl.value === where.value);
          if (chosen) moveTo(note, chosen);
        } })));
      if (!view.state.private) {
        tools.append(
          smallButton(`★ ${t("spotlight")}`, () => send("board:spotlight", { kind: "note", id: note.id })),
          smallButton(`→ ${t("make_action")}`, () => actionFrom("note", note.id)),
        );
      }
      tools.append(smallButton(t("purge"), () => confirm(t("confirm_purge")) && send("note:purge", { note: note.id }),
        "danger small"));
      for (const button of tools.querySelectorAll("button:not([data-role])")) {
        button.dataset.role = button.textContent;
      }
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
let editingAction = null; // while an action is edited in place, the list is not redrawn under it

function actionTools(action, item) {
  item.append(el("div", { class: "row" },
    smallButton(t("edit"), () => editAction(action, item)),
    smallButton(t("delete"), () => send("action:delete", { action: action.id }), "danger small")));
}

/** Edit an action in place: what, organisation and date. */
function editAction(action, item) {
  editingAction = action.id;
  const org = $("action-org").cloneNode(true);
  org.removeAttribute("id");
  org.name = "organisation";
  org.value = String(action.organisation || 0);
  const due = el("input", { type: "date", name: "due", "aria-label": t("due_date") });
  due.value = action.due || "";
  const done = () => {
    editingAction = null;
    renderActions($("actions"), view, actionTools);
  };
  const form = inlineForm([textField("what", action.what, t("action_what"), limit("action", "what")), org, due],
    (f) => {
      const what = f.what.value.trim();
      if (what) {
        send("action:edit", { action: action.id, what, organisation: Number(f.organisation.value), due: f.due.value || null });
      }
      done();
    }, done);
  item.replaceChildren(form);
  form.what.focus();
}

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
  $("page-seconds").value = String(s.page_seconds ?? 15);

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

  if (!editingAction) renderActions($("actions"), view, actionTools);
  makeSortable();
}

$("steps").addEventListener("click", (e) => {
  const phase = e.target.closest("button")?.dataset.phase;
  if (phase) send("board:set", { phase });
});
$("private").addEventListener("change", (e) => send("board:set", { private: e.target.checked }));
$("reveal").addEventListener("click", () => send("board:set", { private: false }));
$("locked").addEventListener("change", (e) => send("board:set", { locked: e.target.checked }));
$("page-seconds").addEventListener("change", (e) => send("board:set", { page_seconds: Number(e.target.value) }));
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
  send("action:add", { what, organisation: Number($("action-org").value), due: $("action-due").value || null });
  $("action-form").reset(); // the next action starts blank: no organisation or date carried over
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
