// The projector: the board, live, large, with no controls, readable from the back row.
// The type never shrinks below its floor: when the notes do not fit, they are laid into
// pages that turn at the pace the facilitator set ("2 / 3" shows where the room is), and
// nothing is cut off. Once the workshop has started, the header is one band and the QR
// code a corner. It follows the facilitator's steps: counts only while writing is
// private, the ranking once a vote is revealed, the actions while discussing, and one
// note or group large in the spotlight.
import { count, t } from "./i18n.js";
import { renderActions, renderRanking, startBoard } from "./board_screen.js";
import { el, noteBody } from "./notes.js";
import { Pager, flow, slotsAcross } from "./pager.js";

const $ = (id) => document.getElementById(id);
const notice = $("proj-notice");
const progress = $("vote-progress");
const results = $("results");
const actionsBox = $("actions");
const spotlight = $("spotlight");
const stage = $("stage");
const measure = $("measure");
const pager = new Pager(stage, $("page-count"), t("paused"));
const cssNumber = (node, name) => parseFloat(getComputedStyle(node).getPropertyValue(name)) || 0;

const spotPager = { pager: null, key: "" };

/** The spotlight's pages stop turning: it shows one note, or nothing. */
function dropSpotPager() {
  spotPager.pager?.stop();
  spotPager.pager = null;
  spotPager.key = "";
}

/** One note large; or a group: its title and its notes at 48 px, in pages when they do not
 * all fit (the same flow and pace as the board). */
function showSpotlight(view) {
  const lit = view.state.spotlight;
  if (lit && lit.kind === "note" && view.notes.has(lit.id)) {
    const note = view.notes.get(lit.id);
    dropSpotPager();
    spotlight.replaceChildren(el("div", { class: `note note-${note.color}` }, noteBody(note)));
    spotlight.hidden = false;
    return;
  }
  if (!(lit && lit.kind === "group" && view.groups.has(lit.id))) {
    dropSpotPager();
    spotlight.hidden = true;
    spotlight.replaceChildren();
    return;
  }
  const inside = [...view.notes.values()].filter((n) => n.group === lit.id)
    .sort((a, b) => a.position - b.position);
  const title = view.groups.get(lit.id).title;
  const key = JSON.stringify([lit.id, title, inside.map((n) => [n.id, n.version])]);
  if (key === spotPager.key) {
    spotPager.pager.pace(view.state.page_seconds ?? 15);
    return;
  }
  spotPager.key = key;
  const counter = el("span", { class: "page-count", hidden: "" });
  const stageNode = el("div", { class: "spot-stage" });
  const box = el("div", { class: "spot-stage spot-measure" });
  spotlight.replaceChildren(el("div", { class: "spot-group" },
    el("h2", {}, el("span", { text: title }), counter), stageNode, box));
  spotlight.hidden = false;
  box.style.width = `${stageNode.clientWidth}px`;
  const slots = flow(box, [{
    open: () => {
      const list = el("ul", { class: "notes page-slot" });
      return { node: list, into: list };
    },
    items: inside.map((n) => el("li", { class: `note note-${n.color}`, "data-id": n.id }, noteBody(n))),
  }], () => stageNode.clientHeight);
  const previous = spotPager.pager;
  spotPager.pager = new Pager(stageNode, counter, t("paused"));
  spotPager.pager.seconds = view.state.page_seconds ?? 15;
  if (previous) {
    spotPager.pager.index = previous.index;
    previous.stop();
  }
  spotPager.pager.set(slots.map((slot) => [slot]), 1);
}

/** The board's columns as sections to flow: each column's groups, then its loose notes
 * (copies of what BoardView drew, so the pages show exactly the board). */
function boardSections(view) {
  return view.columns.map((column) => {
    const source = view.root.querySelector(`.column[data-column="${column.id}"]`);
    const heading = source.querySelector("h2");
    const holder = view.holders.get(column.id);
    const list = view.lists.get(column.id);
    return {
      open(continued) {
        const h2 = heading.cloneNode(true);
        if (continued) h2.firstChild.append(` ${t("continued")}`);
        const groups = el("div", { class: "groups" });
        const into = el("ul", { class: "notes" });
        return { node: el("section", { class: "column page-slot" }, h2, groups, into), into, groups };
      },
      groups: [...holder.children].map((node) => ({
        open(continued) {
          const h3 = node.querySelector("h3").cloneNode(true);
          if (continued) h3.firstChild.append(` ${t("continued")}`);
          const inner = el("ul", { class: "notes" });
          return { node: el("section", { class: "group" }, h3, inner), list: inner };
        },
        items: [...node.querySelector("ul.notes").children].map((li) => li.cloneNode(true)),
      })),
      items: [...list.children].map((li) => li.cloneNode(true)),
    };
  });
}

/** A panel (the ranking, the actions) as one section whose rows flow over whole-width slots. */
function panelSection(panel) {
  const title = panel.querySelector("h2");
  const rows = panel.querySelector("ol, ul, p");
  return {
    open(continued) {
      const h2 = title.cloneNode(true);
      if (continued) h2.append(` ${t("continued")}`);
      const into = el(rows.tagName.toLowerCase() === "ol" ? "ol" : "ul", { class: rows.className });
      return { node: el("section", { class: "proj-panel page-slot" }, h2, into), into };
    },
    items: rows.tagName === "P" ? [el("li", { class: "muted", text: rows.textContent })]
      : [...rows.children].map((row) => row.cloneNode(true)),
  };
}

let laid = 0;
let shownBefore = new Set(); // the panels (results, actions) of the last layout
function layOut(view) {
  const rect = stage.getBoundingClientRect();
  const height = Math.floor(window.innerHeight - rect.top - cssNumber(document.querySelector("main"), "padding-bottom"));
  const gap = cssNumber(stage, "column-gap");
  const width = stage.clientWidth;
  // The QR code's corner, once the header is a band: the last slot of each page stops above it.
  const corner = document.querySelector(".proj-join");
  const cornerTop = document.body.classList.contains("started") ? corner.getBoundingClientRect().top : Infinity;
  const short = Math.max(80, Math.min(height, Math.floor(cornerTop - rect.top - gap)));
  const pages = [];
  // Results and actions first, each over the whole width; then the board, column by column.
  // What has just appeared (results revealed, a first action) is shown at once.
  const panels = [results, actionsBox].filter((panel) => !panel.hidden);
  let jump = null;
  for (const panel of panels) {
    if (!shownBefore.has(panel.id)) jump ??= pages.length;
    measure.style.width = `${width}px`;
    for (const slot of flow(measure, [panelSection(panel)], () => short)) {
      pages.push({ slots: [slot], across: 1 });
    }
  }
  shownBefore = new Set(panels.map((panel) => panel.id));
  const sections = boardSections(view);
  const minimum = cssNumber(document.documentElement, "--slot-min") * parseFloat(getComputedStyle(stage).fontSize);
  let most = slotsAcross(width, minimum || 300, gap);
  let across = Math.min(most, Math.max(1, sections.length));
  let slots = [];
  for (;;) {
    const slotWidth = (width - gap * (across - 1)) / across;
    measure.style.width = `${slotWidth}px`;
    slots = flow(measure, sections, (i) => (i % across === across - 1 ? short : height));
    if (slots.overflow && across > 1) { // a note taller than a slot: wider slots, never a cut note
      most = across - 1;
      across = most;
      continue;
    }
    if (slots.length <= across || across >= most) break;
    across = most; // more than one page: use every slot the screen has room for
  }
  for (let i = 0; i < slots.length; i += across) pages.push({ slots: slots.slice(i, i + across), across });
  laid += 1;
  stage.dataset.laid = String(laid);
  pager.set(pages.map((page) => page.slots.map((slot) => {
    slot.style.setProperty("--span", page.across === 1 && across > 1 ? String(across) : "1");
    return slot;
  })), across, jump);
}

// A redraw at most once per frame, however many changes arrive.
let pending = null;
let current = null;
function relayout(view) {
  current = view;
  if (pending) return;
  pending = requestAnimationFrame(() => {
    pending = null;
    layOut(current);
  });
}

function follow(view) {
  const { phase } = view.state;
  let text = "";
  if (view.state.private && phase === "collect") text = t("projector_private");
  else if (phase === "closed") text = t("projector_closed");
  notice.textContent = text;
  notice.hidden = !text;
  const v = view.vote;
  const said = v && phase === "vote"
    ? (v.open ? t("vote_progress").replace("{dots}", count("dots", v.cast)).replace("{people}", count("people", v.voters)) : t("vote_closed"))
    : "";
  progress.textContent = said ? `· ${said}` : ""; // "Voter · 12 points de 5 personnes", never run together
  renderRanking(results, view);
  if (phase === "discuss" || phase === "closed") renderActions(actionsBox, view);
  else actionsBox.hidden = true;
  const written = view.notes.size || Object.values(view.counts || {}).some(Boolean);
  document.body.classList.toggle("started", phase !== "collect" || !!written);
  pager.pace(view.state.page_seconds ?? 15);
  showSpotlight(view);
  relayout(view);
}

const { view } = startBoard("projector", { loaded: () => relayout(view), changed: follow });
window.addEventListener("resize", () => {
  spotPager.key = ""; // the spotlight's pages are laid again for the new size
  relayout(view);
  showSpotlight(view);
});
// The laptop's arrows turn the pages by hand too (a clicker sends the same keys).
// (A group in the spotlight has its own pages: the keys turn those while it is up.)
document.addEventListener("keydown", (e) => {
  const target = !spotlight.hidden && spotPager.pager ? spotPager.pager : pager;
  if (e.key === "ArrowRight" || e.key === "PageDown" || e.key === " ") target.turn(1);
  else if (e.key === "ArrowLeft" || e.key === "PageUp") target.turn(-1);
  else return;
  e.preventDefault();
});
