// What the phone, the projector and the facilitator's board share: a BoardView
// driven by a BoardLink, the status line, and the workshop header.
import { BoardLink } from "./connection.js";
import { t } from "./i18n.js";
import { BoardView } from "./notes.js";

export function startBoard(mode, extra = {}) {
  const app = document.getElementById("app");
  const boardId = Number(app.dataset.board);
  const status = document.getElementById("status");
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
    ...extra.actions,
  });
  view.draftPrefix = `relais:edit:${boardId}:`;
  const link = new BoardLink(boardId, {
    snapshot: (board, mine, facilitator) => {
      view.load(board, mine, facilitator);
      extra.loaded?.(board);
    },
    change: (name, data) => {
      view.apply(name, data);
      extra.changed?.(name, data);
    },
    mine: (ids) => view.setMine(ids),
    acked: (item, ack) => {
      // The ack carries what the broadcast carries; applying both is harmless.
      if (item.event === "note:delete") {
        view.removeNote(item.payload.note);
      } else if (ack.note) {
        view.upsert(ack.note);
        if (item.event === "note:add") view.addMine(ack.note.id);
      }
      view.place();
    },
    rejected: (item, error) => {
      if (error.code === "conflict" && error.note) view.upsert(error.note);
      view.place();
      extra.rejected?.(item, error);
    },
    outbox: (items) => view.setPending(items),
    status: (state, waiting) => {
      status.dataset.state = state;
      let text = state === "online" ? t("online") : state === "offline" ? t("offline") : t("reconnecting");
      if (waiting && state !== "online") text += ` (${waiting})`;
      status.textContent = text;
    },
    deleted: () => {
      status.dataset.state = "offline";
      status.textContent = t("board_deleted");
    },
  });
  return { app, view, link };
}
