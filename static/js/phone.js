// The phone screen: write a note (the draft survives reloads), see every note live,
// edit and delete one's own.
import { t } from "./i18n.js";
import { startBoard } from "./board_screen.js";
import { el } from "./notes.js";

const form = document.getElementById("compose");
const area = document.getElementById("note-text");
const counter = document.getElementById("counter");
const errorBox = document.getElementById("compose-error");
const columnChoice = document.getElementById("column-choice");

const { app, link } = startBoard("phone", {
  actions: {
    columnsChanged(columns) {
      // Keep the column chips in step with the facilitator's changes.
      const checked = columnChoice.querySelector("input:checked")?.value;
      const legend = columnChoice.querySelector("legend");
      const chips = columns.map((c, i) => el("label", {},
        Object.assign(el("input", { type: "radio", name: "column", value: c.id }),
          { checked: checked ? String(c.id) === checked : i === 0 }),
        el("span", { text: c.title })));
      columnChoice.replaceChildren(legend, ...chips);
      if (!columnChoice.querySelector("input:checked")) columnChoice.querySelector("input")?.setAttribute("checked", "");
    },
  },
  rejected(item, error) {
    showError(error.message);
    if (item.event === "note:add" && item.payload.text) {
      // Never lose what was typed: give it back to the writing box.
      area.value = area.value ? `${area.value}\n${item.payload.text}` : item.payload.text;
      saveDraft();
    }
  },
});

const draftKey = `relais:draft:${app.dataset.board}`;
const max = Number(app.dataset.noteMax);

function saveDraft() {
  try {
    localStorage.setItem(draftKey, area.value);
  } catch {
    /* storage unavailable: the text stays in the box */
  }
  updateCounter();
}

function updateCounter() {
  counter.textContent = `${max - area.value.length} ${t("chars_left")}`;
}

function showError(message) {
  errorBox.textContent = message || t("error");
  errorBox.classList.remove("hidden");
}

area.value = localStorage.getItem(draftKey) || "";
updateCounter();
area.addEventListener("input", () => {
  errorBox.classList.add("hidden");
  saveDraft();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = area.value.trim();
  if (!text) return;
  const column = Number(new FormData(form).get("column"));
  const color = new FormData(form).get("color") || "yellow";
  // The note goes into the outbox (kept on the phone) before the box is cleared.
  link.send("note:add", { column, text, color });
  area.value = "";
  saveDraft();
  area.focus();
});
