// Rendering a board: columns of notes, kept in step with changes by id, so that
// a note being edited or dragged is never thrown away by a redraw.
import { t } from "./i18n.js";

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

export class BoardView {
  /**
   * mode: "phone" | "projector" | "console".
   * actions: edit(note, text) , remove(note), columnsChanged(columns), workshop(w)
   */
  constructor(root, mode, actions = {}) {
    this.root = root;
    this.mode = mode;
    this.actions = actions;
    this.columns = [];
    this.notes = new Map(); // id -> note
    this.elements = new Map(); // id -> element
    this.lists = new Map(); // column id -> <ul>
    this.mine = new Set();
    this.pending = new Map(); // op -> {column, text, color}
    this.editing = new Set(); // ids being edited
    this.facilitator = mode === "console";
    this.frozen = false; // true while a note is dragged
    this.draftPrefix = null; // localStorage prefix for edits in progress (survive a reload)
  }

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
    this.facilitator = this.facilitator || facilitator;
    this.notes = new Map(board.notes.map((n) => [n.id, n]));
    for (const id of [...this.elements.keys()]) if (!this.notes.has(id)) this.elements.delete(id);
    this.setMine(mine, false);
    this.setColumns(board.columns);
    this.actions.workshop?.(board.workshop);
    for (const note of this.notes.values()) this.refresh(note.id);
    this.place();
    // Reopen the edits that were in progress when the page was closed or reloaded.
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
    switch (name) {
      case "note:added":
      case "note:edited":
        this.upsert(data.note);
        break;
      case "note:moved": {
        this.upsert(data.note, true);
        data.order.forEach((id, index) => {
          const note = this.notes.get(id);
          if (note) note.position = index;
        });
        break;
      }
      case "note:deleted":
        this.removeNote(data.note);
        break;
      case "board:columns":
        this.setColumns(data.columns);
        break;
      case "board:workshop":
        this.actions.workshop?.(data.workshop);
        break;
    }
    this.place();
  }

  /** Insert or update a note; an older version never replaces a newer one. */
  upsert(note, force = false) {
    const known = this.notes.get(note.id);
    if (known && known.version > note.version && !force) return;
    this.notes.set(note.id, { ...known, ...note });
    this.refresh(note.id);
  }

  removeNote(id) {
    this.notes.delete(id);
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
    this.columns = [...columns].sort((a, b) => a.position - b.position);
    const old = this.lists;
    this.lists = new Map();
    const frames = [];
    for (const column of this.columns) {
      const list = old.get(column.id) || el("ul", { class: "notes", "data-column": column.id });
      this.lists.set(column.id, list);
      const title = el("h2", {}, el("span", { text: column.title }), el("span", { class: "count" }));
      frames.push(el("section", { class: "column", "data-column": column.id }, title, list));
    }
    this.root.replaceChildren(...frames);
    this.actions.columnsChanged?.(this.columns, this.lists);
  }

  canChange(note) {
    return this.mode !== "projector" && (this.facilitator || this.mine.has(note.id));
  }

  refresh(id) {
    const note = this.notes.get(id);
    if (!note || this.editing.has(id)) return;
    const old = this.elements.get(id);
    const node = this.renderNote(note);
    if (old) old.replaceWith(node);
    this.elements.set(id, node);
  }

  renderNote(note) {
    const body = el("div", { class: "body" });
    body.innerHTML = note.html; // rendered and sanitised by the server (python-markdown + nh3)
    const who = [note.pseudonym, note.organisation].filter(Boolean).join(" · ");
    const item = el("li", {
      class: `note note-${note.color}${this.mine.has(note.id) ? " mine" : ""}`,
      "data-id": note.id,
    }, body, who ? el("div", { class: "meta", text: who }) : null);
    if (this.canChange(note)) {
      item.append(el("div", { class: "actions" },
        el("button", { type: "button", class: "secondary small", text: t("edit"), onclick: () => this.startEdit(note.id) }),
        el("button", { type: "button", class: "danger small", text: t("delete"), onclick: () => {
          if (confirm(t("confirm_delete"))) this.actions.remove?.(this.notes.get(note.id));
        } }),
      ));
    }
    return item;
  }

  startEdit(id, text) {
    const note = this.notes.get(id);
    const item = this.elements.get(id);
    if (!note || !item) return;
    this.editing.add(id);
    const area = el("textarea", { maxlength: "500", "aria-label": t("edit") });
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

  /** Put every note element in its column, in order, moving only what moved. */
  place() {
    if (this.frozen) return;
    const byColumn = new Map(this.columns.map((c) => [c.id, []]));
    for (const note of this.notes.values()) byColumn.get(note.column)?.push(note);
    for (const [columnId, notes] of byColumn) {
      notes.sort((a, b) => a.position - b.position || a.id - b.id);
      const list = this.lists.get(columnId);
      const wanted = notes.map((n) => this.elements.get(n.id)).filter(Boolean);
      for (const [op, p] of this.pending) {
        if (p.column === columnId) wanted.push(this.pendingElement(op, p));
      }
      wanted.forEach((node, index) => {
        if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
      });
      while (list.children.length > wanted.length) list.lastElementChild.remove();
      if (!wanted.length) list.append(el("li", { class: "empty", text: t("empty_column") }));
      const count = list.closest(".column")?.querySelector(".count");
      if (count) count.textContent = notes.length ? String(notes.length) : "";
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
