// The projector: the board, live, large, with no controls. When the notes no longer
// fit the screen, the type shrinks step by step (never below half size), so the whole
// board stays readable without anyone scrolling. It follows the facilitator's steps:
// counts only while writing is private, the ranking once a vote is revealed, the
// actions while discussing, and one note or group large in the spotlight.
import { count, t } from "./i18n.js";
import { renderActions, renderRanking, startBoard } from "./board_screen.js";
import { el, noteBody } from "./notes.js";

const root = document.documentElement;
const MIN_SCALE = 0.5;
const notice = document.getElementById("proj-notice");
const progress = document.getElementById("vote-progress");
const results = document.getElementById("results");
const actionsBox = document.getElementById("actions");
const spotlight = document.getElementById("spotlight");
let scale = 1;

function fit() {
  // Grow back first, then shrink until the page fits the screen.
  scale = 1;
  root.style.setProperty("--note-scale", String(scale));
  while (root.scrollHeight > window.innerHeight + 2 && scale > MIN_SCALE) {
    scale = Math.round((scale - 0.05) * 100) / 100;
    root.style.setProperty("--note-scale", String(scale));
  }
}

function showSpotlight(view) {
  const lit = view.state.spotlight;
  let content = null;
  if (lit && lit.kind === "note" && view.notes.has(lit.id)) {
    const note = view.notes.get(lit.id);
    content = el("div", { class: `note note-${note.color}` }, noteBody(note));
  } else if (lit && lit.kind === "group" && view.groups.has(lit.id)) {
    const inside = [...view.notes.values()].filter((n) => n.group === lit.id)
      .sort((a, b) => a.position - b.position)
      .map((n) => el("li", { class: `note note-${n.color}`, text: n.text }));
    content = el("div", { class: "spot-group" }, el("h2", { text: view.groups.get(lit.id).title }),
      el("ul", { class: "notes" }, ...inside));
  }
  spotlight.hidden = !content;
  spotlight.replaceChildren(...(content ? [content] : []));
}

function follow(view) {
  const { phase } = view.state;
  let text = "";
  if (view.state.private && phase === "collect") text = t("projector_private");
  else if (phase === "closed") text = t("projector_closed");
  notice.textContent = text;
  notice.hidden = !text;
  const v = view.vote;
  progress.textContent = v && phase === "vote"
    ? (v.open ? t("vote_progress").replace("{dots}", count("dots", v.cast)).replace("{people}", count("people", v.voters)) : t("vote_closed"))
    : "";
  renderRanking(results, view);
  if (phase === "discuss" || phase === "closed") renderActions(actionsBox, view);
  else actionsBox.hidden = true;
  // With the ranking or the actions up, the board steps back.
  document.body.classList.toggle("has-results", !results.hidden || !actionsBox.hidden);
  showSpotlight(view);
  fit();
}

startBoard("projector", { loaded: fit, changed: follow });
window.addEventListener("resize", fit);
