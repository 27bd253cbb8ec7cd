// The phone screen: write a note (the draft survives reloads), see every note live,
// edit and delete one's own.
import { count, limit, t } from "./i18n.js";
import { renderActions, renderRanking, startBoard } from "./board_screen.js";
import { el } from "./notes.js";

const form = document.getElementById("compose");
const area = document.getElementById("note-text");
const counter = document.getElementById("counter");
const errorBox = document.getElementById("compose-error");
const columnChoice = document.getElementById("column-choice");
const lockBanner = document.getElementById("lock-banner");
const help = document.getElementById("phase-help");
const votePanel = document.getElementById("vote-panel");
const results = document.getElementById("results");
const actionsBox = document.getElementById("actions");
const boardError = document.getElementById("board-error");

// What the phone shows at each step: the server says what a participant may do (state.may).
function follow(view) {
  const { phase } = view.state;
  const locked = view.lockedNow(link.serverNow());
  form.hidden = !view.state.may?.add || locked;
  lockBanner.hidden = !locked || phase === "closed";
  let text = "";
  if (phase === "collect" && view.state.private) text = t("private_notice");
  else if (phase !== "collect") text = t(`help_${phase}`);
  if (phase === "vote" && !view.vote?.open) text = view.vote ? t("vote_closed") : t("vote_soon");
  help.textContent = text;
  help.hidden = !text;
  const voting = view.votingOn("notes") || view.votingOn("groups");
  votePanel.hidden = !voting;
  if (voting) {
    const left = view.vote.mine?.left ?? view.vote.budget;
    votePanel.replaceChildren(
      el("p", { class: "dots-left", text: count("dots_left", left, { budget: view.vote.budget }) }),
      el("p", { class: "muted small", text: view.vote.target === "groups" ? t("vote_groups_help") : t("vote_notes_help") }));
  }
  renderRanking(results, view);
  if (phase === "discuss" || phase === "closed") renderActions(actionsBox, view);
  else actionsBox.hidden = true;
}

const { app, link } = startBoard("phone", {
  changed: follow,
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
    if (item.event !== "note:add") {
      boardError.textContent = error.message || t("error");
      boardError.hidden = false;
      setTimeout(() => { boardError.hidden = true; }, 6000);
      return;
    }
    showError(error.message);
    if (item.event === "note:add" && item.payload.text) {
      // Never lose what was typed: give it back to the writing box.
      area.value = area.value ? `${area.value}\n${item.payload.text}` : item.payload.text;
      saveDraft();
    }
  },
});

const draftKey = `relais:draft:${app.dataset.board}`;
const max = limit("note", "text");

function saveDraft() {
  try {
    localStorage.setItem(draftKey, area.value);
  } catch {
    /* storage unavailable: the text stays in the box */
  }
  updateCounter();
}

function updateCounter() {
  counter.textContent = count("chars_left", max - area.value.length);
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
