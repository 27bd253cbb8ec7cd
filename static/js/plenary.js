// The plenary screen: of each workshop, its question, the top of its revealed votes and its
// actions, live (a vote revealed in a workshop appears without a reload). The console picks
// one workshop, or lets the screen show every workshop in turn.
import { EventLink } from "./connection.js";
import { count, t } from "./i18n.js";
import { el } from "./notes.js";
import { statusHandlers } from "./screen_status.js";

const ROTATE_MS = 20000;
const app = document.getElementById("app");
const $ = (id) => document.getElementById(id);
let plenary = null;
let turn = 0;

function bar(percent) {
  const node = el("span", { class: "bar" });
  node.style.setProperty("--share", `${percent}%`); // CSSOM, which the page's CSP allows
  return node;
}

function shown() {
  if (!plenary || !plenary.workshops.length) return null;
  const chosen = plenary.workshops.find((w) => w.id === plenary.workshop);
  return chosen || plenary.workshops[turn % plenary.workshops.length];
}

function render() {
  const w = shown();
  $("plenary-empty").hidden = !!w;
  $("plenary-body").hidden = !w;
  if (!w) return;
  const index = plenary.workshops.indexOf(w) + 1;
  document.body.dataset.workshop = w.id;
  $("plenary-place").textContent = plenary.workshops.length > 1 ? `${index} / ${plenary.workshops.length}` : "";
  $("plenary-title").textContent = w.title;
  $("plenary-question").textContent = w.question || "";
  const rankings = w.rankings.filter((r) => r.length);
  $("plenary-rankings").replaceChildren(el("h2", { text: t("results") }), ...(rankings.length
    ? rankings.map((ranking) => {
      const max = Math.max(...ranking.map((r) => r.dots), 1);
      return el("ol", { class: "ranking" }, ...ranking.map((r) => el("li", { class: "rank" },
        el("span", { class: "rank-label", text: r.text.split("\n")[0] }),
        bar((r.dots / max) * 100),
        el("span", { class: "rank-count", text: count("dots", r.dots) }))));
    })
    : [el("p", { class: "muted", text: t("no_results_yet") })]));
  $("plenary-actions").replaceChildren(el("h2", { text: t("actions") }), w.actions.length
    ? el("ul", { class: "actions-list" }, ...w.actions.map((a) => {
      const who = [a.organisation_name, a.due ? `${t("due")} ${a.due_label || a.due}` : ""].filter(Boolean).join(" · ");
      return el("li", { class: "action" }, el("span", { class: "what", text: a.what }),
        who ? el("span", { class: "who", text: who }) : null);
    }))
    : el("p", { class: "muted", text: t("no_actions") }));
}

new EventLink(Number(app.dataset.event), {
  snapshot: (ack) => {
    plenary = ack.plenary;
    render();
  },
  change: (name, data) => {
    if (name === "plenary:state") plenary = data.plenary;
    else if (name === "plenary:workshop" && plenary) {
      const at = plenary.workshops.findIndex((w) => w.id === data.workshop.id);
      if (at >= 0) plenary.workshops[at] = data.workshop;
      else plenary.workshops.push(data.workshop);
    }
    render();
  },
  ...statusHandlers($("status")),
}, "plenary");

// All in turn: the next workshop every ROTATE_MS (a chosen one stays).
setInterval(() => {
  if (!plenary || plenary.workshop) return;
  turn += 1;
  render();
}, ROTATE_MS);
