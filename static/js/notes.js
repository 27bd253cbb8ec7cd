// Rendering a board: columns of notes, kept in step with changes by id, so that
// a note being edited or dragged is never thrown away by a redraw. What the board holds,
// and how a change alters it, is board_state.js; this module only draws it.
import { BoardState, changedTotals } from "./board_state.js";
import { count, limit, t } from "./i18n.js";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export { el };

/** A note's text as the room sees it: the server's HTML (python-markdown + nh3), or, for a
 * plain one-paragraph note (sent without HTML: the text says it all), that text. */
export function noteBody(note) {
  const body = el("div", { class: "body" });
  if (note.html) body.innerHTML = note.html; // rendered and sanitised by the server
  else body.append(el("p", { text: note.text }));
  return body;
}

export class BoardView {
  /**
   * mode: "phone" | "projector" | "console".
   * actions: edit(note, text), remove(note), columnsChanged(columns, lists), workshop(w),
   * decorate(note, item), decorateGroup(group, header), vote(kind, id, delta), changed(view)
   */
  constructor(root, mode, actions = {}) {
    this.root = root;
    this.mode = mode;
    this.actions = actions;
    this.board = new BoardState();
    this.elements = new Map(); // id -> element
    this.lists = new Map(); // column id -> <ul>
    this.mine = new Set();
    this.pending = new Map(); // op -> {column, text, color}
    this.editing = new Set(); // ids being edited
    this.facilitator = mode === "console";
    this.frozen = false; // true while a note is dragged
    this.draftPrefix = null; // localStorage prefix for edits in progress (survive a reload)
    this.groupNodes = new Map(); // id -> {node, list, title, count, tools}
    this.holders = new Map(); // column id -> element holding its groups
  }

  // What the board holds lives in this.board (board_state.js); these read it.
  get notes() { return this.board.notes; }
  get groups() { return this.board.groups; }
  get columns() { return this.board.columns; }
  get state() { return this.board.state; }
  get counts() { return this.board.counts; }
  get actionList() { return this.board.actions; }
  get vote() { return this.board.vote; }
  set vote(vote) { this.board.vote = vote; }

  draft(id, value) {
    if (!this.draftPrefix) return null;
    const key = this.draftPrefix + id;
    try {
      if (value === undefined) return localStorage.getItem(key);
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch {
      /* storage unavailable: the text stays in the box */
    }
    return null;
  }

  load(board, mine, facilitator) {
    this.facilitator = this.facilitator || (facilitator && this.mode === "console");
    this.board.load(board);
    for (const id of [...this.elements.keys()]) {
      if (!this.notes.has(id)) {
        this.elements.get(id).remove();
        this.elements.delete(id);
      }
    }
    this.dropGroupNodes();
    this.setMine(mine, false);
    this.setColumns(board.columns);
    this.actions.workshop?.(board.workshop);
    this.refreshAll();
    this.reopenDrafts();
  }

  /** Reopen the edits that were in progress when the page was closed or reloaded (after a
   * snapshot, or after catching up from the board this tab kept). */
  reopenDrafts() {
    for (const note of this.notes.values()) {
      const saved = this.draft(note.id);
      if (saved !== null && saved !== undefined && this.canChange(note) && !this.editing.has(note.id)) {
        this.startEdit(note.id, saved);
      }
    }
  }

  setMine(ids, redraw = true) {
    this.mine = new Set(ids);
    if (redraw) {
      for (const id of this.notes.keys()) this.refresh(id);
      this.place();
    }
  }

  apply(name, data) {
    const touched = this.board.apply(name, data);
    if (touched.totals.length || touched.counts) {
      // A tally or the private counts: redraw the totals that moved, and the panels; the
      // rest of the board stays as it is.
      this.redrawTargets(touched.totals);
      if (touched.counts) this.place();
      this.actions.changed?.(this);
      return;
    }
    for (const id of touched.removed) this.dropNote(id);
    for (const id of new Set(touched.notes)) this.refresh(id);
    if (name === "board:columns") this.setColumns(this.board.columns);
    else if (name === "board:workshop") this.actions.workshop?.(this.board.workshop);
    if (name === "board:groups") this.dropGroupNodes();
    if (touched.board && name !== "board:columns") this.refreshAll();
    else this.place();
  }

  /** This participant's own dots changed (in this tab or another one). */
  setMyDots(mine) {
    if (!this.vote || this.vote.id !== mine.vote) return;
    this.setVote({ ...this.vote, mine: { left: mine.left, dots: mine.dots } });
  }

  /** A vote with this participant's dots (an ack of their own dot): redraw only what moved,
   * unless running out of dots (or getting one back) changes every "+" button. */
  setVote(vote) {
    const before = this.vote;
    this.vote = vote;
    if (!before || before.id !== vote.id || before.open !== vote.open || before.revealed !== vote.revealed) {
      this.refreshAll();
      return;
    }
    const ids = new Set(changedTotals(before.results, vote.results));
    const was = before.mine?.dots || {};
    const now = vote.mine?.dots || {};
    for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
      if ((was[key] || 0) !== (now[key] || 0)) ids.add(Number(key));
    }
    if (!(before.mine?.left) !== !(vote.mine?.left)) {
      this.refreshAll();
      return;
    }
    this.redrawTargets([...ids]);
    this.actions.changed?.(this);
  }

  /** Redraw the notes or groups (the vote's target) with these ids. */
  redrawTargets(ids) {
    const kind = this.vote?.target;
    for (const id of ids) {
      if (kind === "groups") {
        const group = this.groups.get(id);
        if (group) this.groupNode(group);
      } else {
        this.refresh(id);
      }
    }
  }

  /** Remove the drawn groups that the board no longer has. */
  dropGroupNodes() {
    for (const [id, node] of [...this.groupNodes]) {
      if (!this.groups.has(id)) {
        node.node.remove();
        this.groupNodes.delete(id);
      }
    }
  }

  refreshAll() {
    for (const id of this.notes.keys()) this.refresh(id);
    for (const group of this.groups.values()) this.groupNode(group);
    this.place();
    this.actions.changed?.(this);
  }

  /** Whether dots can be placed now on "notes" or "groups". */
  votingOn(kind) {
    const v = this.vote;
    return !!v && v.open && v.target === kind && !!this.state.may?.vote;
  }

  /** Dots of the revealed (or open) results for a note or group, or null. */
  resultFor(kind, id) {
    const v = this.vote;
    if (!v || v.target !== kind || !v.results) return null;
    return v.results.find((r) => r.id === id)?.dots || 0;
  }

  voteControls(kind, id) {
    const mine = this.vote.mine?.dots?.[String(id)] || 0;
    const left = this.vote.mine?.left ?? 0;
    const dots = el("span", { class: "my-dots", "aria-label": count("my_dots", mine), text: "●".repeat(mine) || "○" });
    return el("div", { class: "vote" },
      el("button", { type: "button", class: "secondary small vote-minus", text: "−", "aria-label": t("take_back"),
        ...(mine ? {} : { disabled: "" }), onclick: () => this.actions.vote?.(kind, id, -1) }),
      dots,
      el("button", { type: "button", class: "small vote-plus", text: "+", "aria-label": t("add_dot"),
        ...(left && mine < this.vote.cap && !this.lockedNow() ? {} : { disabled: "" }),
        onclick: () => this.actions.vote?.(kind, id, 1) }));
  }

  /** Locked by the facilitator, or by a timer that ended (for participants). */
  lockedNow(now = Date.now()) {
    const timer = this.state.timer;
    return this.state.locked || !!(timer && timer.locks && timer.ends_at && timer.ends_at <= now);
  }

  groupNode(group) {
    let g = this.groupNodes.get(group.id);
    if (!g) {
      const title = el("span", { class: "title" });
      const badge = el("span", { class: "count" });
      const tools = el("div", { class: "group-tools" });
      const list = el("ul", { class: "notes", "data-column": group.column, "data-group": group.id });
      const node = el("section", { class: "group", "data-group": group.id },
        el("h3", {}, title, badge), tools, list);
      g = { node, list, title, count: badge, tools };
      this.groupNodes.set(group.id, g);
    }
    g.title.textContent = group.title;
    g.list.dataset.column = group.column;
    const result = this.resultFor("groups", group.id);
    g.count.textContent = result !== null ? count("dots", result) : "";
    if (!g.tools.querySelector("form")) { // a group being renamed keeps its form through redraws
      const open = !!g.tools.querySelector("details[open]"); // and an open menu stays open
      g.tools.replaceChildren();
      if (this.mode === "phone" && this.votingOn("groups")) g.tools.append(this.voteControls("groups", group.id));
      this.actions.decorateGroup?.(group, g.tools);
      if (open) g.tools.querySelector("details")?.setAttribute("open", "");
    }
    return g;
  }

  /** Insert or update a note; an older version never replaces a newer one. */
  upsert(note, force = false) {
    if (this.board.upsert(note, force)) this.refresh(note.id);
  }

  removeNote(id) {
    this.notes.delete(id);
    this.dropNote(id);
  }

  /** Forget the drawn element of a note that is gone. */
  dropNote(id) {
    this.elements.get(id)?.remove();
    this.elements.delete(id);
    this.editing.delete(id);
    this.draft(id, null);
  }

  addMine(id) {
    this.mine.add(id);
    this.refresh(id);
  }

  setColumns(columns) {
    this.board.columns = [...columns].sort((a, b) => a.position - b.position);
    const old = this.lists;
    const oldHolders = this.holders;
    this.lists = new Map();
    this.holders = new Map();
    const frames = [];
    for (const column of this.columns) {
      const list = old.get(column.id) || el("ul", { class: "notes", "data-column": column.id });
      const holder = oldHolders.get(column.id) || el("div", { class: "groups", "data-column": column.id });
      this.lists.set(column.id, list);
      this.holders.set(column.id, holder);
      const title = el("h2", {}, el("span", { text: column.title }), el("span", { class: "count" }));
      const tools = el("div", { class: "column-tools" });
      this.actions.decorateColumn?.(column, tools);
      frames.push(el("section", { class: "column", "data-column": column.id }, title, tools, holder, list));
    }
    this.root.replaceChildren(...frames);
    this.actions.columnsChanged?.(this.columns, this.lists);
  }

  canChange(note) {
    if (this.mode === "projector") return false;
    if (this.facilitator) return true;
    // What a participant may do at this step comes from the server (state.may).
    return this.mine.has(note.id) && !!this.state.may?.edit && !this.lockedNow();
  }

  refresh(id) {
    const note = this.notes.get(id);
    if (!note || this.editing.has(id)) return;
    const old = this.elements.get(id);
    const node = this.renderNote(note);
    // A redraw keeps what the facilitator was doing: the menu open, the focus, a choice made.
    if (old?.querySelector(".note-menu[open]")) node.querySelector(".note-menu")?.setAttribute("open", "");
    const focused = old?.contains(document.activeElement) ? document.activeElement : null;
    if (old) old.replaceWith(node);
    if (focused) {
      const twin = focused.dataset.role ? node.querySelector(`[data-role="${focused.dataset.role}"]`)
        : focused === old ? node : null;
      if (twin && "value" in focused && focused.tagName === "SELECT") twin.value = focused.value;
      twin?.focus();
    }
    this.elements.set(id, node);
  }

  renderNote(note) {
    const body = noteBody(note);
    const who = [note.pseudonym, note.organisation].filter(Boolean).join(" · ");
    const result = this.resultFor("notes", note.id);
    const item = el("li", {
      class: `note note-${note.color}${this.mine.has(note.id) ? " mine" : ""}`,
      "data-id": note.id,
    }, body, who ? el("div", { class: "meta", text: who }) : null,
    result !== null ? el("div", { class: "dots-badge", text: count("dots", result) }) : null);
    if (this.mode === "phone" && this.votingOn("notes")) item.append(this.voteControls("notes", note.id));
    const tools = el("div", { class: "actions" });
    if (this.canChange(note)) {
      tools.append(
        el("button", { type: "button", class: "secondary small", text: t("edit"), "data-role": "edit",
          onclick: () => this.startEdit(note.id) }),
        el("button", { type: "button", class: "danger small", text: t("delete"), "data-role": "delete", onclick: () => {
          if (confirm(t("confirm_delete"))) this.actions.remove?.(this.notes.get(note.id));
        } }),
      );
    }
    // Its author (in any step: it is their word) and the facilitator may keep a note out of
    // the bilan; nobody else sees that it was.
    if (this.mode !== "projector" && (this.facilitator || this.mine.has(note.id))) {
      const out = note.for_bilan === false;
      if (out) item.insertBefore(el("div", { class: "bilan-out", text: t("not_in_bilan") }), item.children[1] || null);
      tools.append(el("button", {
        type: "button", class: "secondary small bilan-toggle", "aria-pressed": String(out), "data-role": "bilan",
        text: out ? t("bilan_let_in") : t("bilan_keep_out"),
        onclick: () => this.actions.bilan?.(this.notes.get(note.id), out),
      }));
    }
    this.actions.decorate?.(note, item, tools);
    if (!tools.children.length) return item;
    if (this.mode === "console") {
      // The facilitator's tools fold into one menu per note: the board stays compact.
      const first = (note.text.split("\n")[0] || "").slice(0, 40);
      item.append(el("details", { class: "note-menu" },
        el("summary", { class: "menu-button", "data-role": "menu", "aria-label": `${t("note_menu")} — ${first}`, title: t("note_menu") },
          el("span", { "aria-hidden": "true", text: "⋯" })),
        tools));
    } else {
      item.append(tools);
    }
    return item;
  }

  startEdit(id, text) {
    const note = this.notes.get(id);
    const item = this.elements.get(id);
    if (!note || !item) return;
    this.editing.add(id);
    const area = el("textarea", { maxlength: String(limit("note", "text")), "aria-label": t("edit") });
    area.value = text ?? note.text;
    area.addEventListener("input", () => this.draft(id, area.value));
    const finish = () => {
      this.draft(id, null);
      this.editing.delete(id);
      this.refresh(id);
      this.place();
    };
    const form = el("form", { class: "stack", onsubmit: (e) => {
      e.preventDefault();
      const text = area.value.trim();
      if (text && text !== note.text) this.actions.edit?.(this.notes.get(id) || note, text);
      finish();
    } }, area, el("div", { class: "row" },
      el("button", { type: "submit", class: "small", text: t("save") }),
      el("button", { type: "button", class: "secondary small", text: t("cancel"), onclick: finish })));
    item.replaceChildren(form);
    area.focus();
  }

  /** Put every note element in its column or group, in order, moving only what moved. */
  place() {
    if (this.frozen) return;
    const active = document.activeElement; // moving a node in the page drops its focus: given back below
    const containers = new Map(); // list element -> notes
    for (const [columnId, list] of this.lists) containers.set(list, []);
    for (const group of this.groups.values()) containers.set(this.groupNode(group).list, []);
    for (const note of this.notes.values()) {
      const group = Number(this.board.containerOf(note).split(":")[1]);
      const list = group ? this.groupNodes.get(group).list : this.lists.get(note.column);
      containers.get(list)?.push(note);
    }
    for (const [columnId, holder] of this.holders) {
      const groups = [...this.groups.values()].filter((g) => g.column === columnId)
        .sort((a, b) => a.position - b.position || a.id - b.id);
      groups.forEach((group, index) => {
        const node = this.groupNode(group).node;
        if (holder.children[index] !== node) holder.insertBefore(node, holder.children[index] || null);
      });
      while (holder.children.length > groups.length) holder.lastElementChild.remove();
    }
    const perColumn = new Map();
    for (const note of this.notes.values()) perColumn.set(note.column, (perColumn.get(note.column) || 0) + 1);
    for (const [list, notes] of containers) {
      notes.sort((a, b) => a.position - b.position || a.id - b.id);
      const wanted = notes.map((n) => this.elements.get(n.id)).filter(Boolean);
      const columnId = Number(list.dataset.column);
      const loose = !list.dataset.group;
      if (loose) {
        for (const [op, p] of this.pending) if (p.column === columnId) wanted.push(this.pendingElement(op, p));
      }
      wanted.forEach((node, index) => {
        if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
      });
      while (list.children.length > wanted.length) list.lastElementChild.remove();
      const inColumn = perColumn.get(columnId) || 0;
      if (loose && !wanted.length && !this.holders.get(columnId)?.children.length) {
        const hidden = this.counts?.[String(columnId)];
        const text = this.state.private && !this.facilitator && hidden ? count("private_count", hidden)
          : t("empty_column");
        list.append(el("li", { class: "empty", text }));
      }
      if (loose) {
        const badge = list.closest(".column")?.querySelector("h2 .count");
        const total = this.state.private && !this.facilitator && this.counts ? this.counts[String(columnId)] || 0 : inColumn;
        if (badge) badge.textContent = total ? String(total) : "";
      }
    }
    if (active && active !== document.body && active.isConnected && document.activeElement !== active) {
      active.focus({ preventScroll: true });
    }
  }

  pendingElement(op, p) {
    if (!p.node) {
      const body = el("div", { class: "body", text: p.text });
      p.node = el("li", { class: `note note-${p.color || "yellow"} pending`, "data-op": op },
        body, el("div", { class: "meta", text: t("sending") }));
    }
    return p.node;
  }

  setPending(items) {
    const adds = items.filter((i) => i.event === "note:add");
    this.pending = new Map(adds.map((i) => [i.op, {
      column: i.payload.column, text: i.payload.text, color: i.payload.color,
      node: this.pending.get(i.op)?.node,
    }]));
    this.place();
  }
}
