// The facilitator's board: every note can be edited or deleted, and dragged
// between columns with a mouse or a finger (SortableJS).
import Sortable from "../vendor/sortable.esm.js";
import { startBoard } from "./board_screen.js";

const errorBox = document.getElementById("board-error");
const sortables = [];

const { view, link } = startBoard("console", {
  actions: {
    columnsChanged(columns, lists) {
      while (sortables.length) sortables.pop().destroy();
      for (const list of lists.values()) {
        sortables.push(Sortable.create(list, {
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
            const index = [...evt.to.children].filter((c) => c.dataset.id).indexOf(evt.item);
            if (id && (evt.from !== evt.to || evt.oldIndex !== evt.newIndex)) {
              // Apply the move locally at once, so the redraw keeps the note where it was dropped.
              const note = view.notes.get(id);
              if (note) note.column = column;
              [...evt.to.children].filter((c) => c.dataset.id).forEach((c, i) => {
                const n = view.notes.get(Number(c.dataset.id));
                if (n) n.position = i;
              });
              link.send("note:move", { note: id, column, index });
            }
            view.place();
          },
        }));
      }
    },
  },
  rejected(item, error) {
    if (item.event === "note:move") {
      // The local move was refused: take the server's board again.
      link.seq = null;
      link.join();
    }
    errorBox.textContent = error.message;
    errorBox.classList.remove("hidden");
    setTimeout(() => errorBox.classList.add("hidden"), 6000);
  },
});
