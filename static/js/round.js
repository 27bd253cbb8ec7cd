// The tour de table, live: on a phone (the card on the screen, a question or a note to post
// to it) and on the projector (the card large, "4 / 13", its speaking timer, the next one).
// Steered from the console (round:go, round:timer); posts go through the outbox, so nothing
// typed is lost on a reconnect or a reload.
import { clock, timeLeft } from "./board_screen.js";
import { EventLink } from "./connection.js";
import { count, t } from "./i18n.js";
import { el } from "./notes.js";
import { statusHandlers } from "./screen_status.js";

const app = document.getElementById("app");
const $ = (id) => document.getElementById(id);
const form = $("card-note");
const area = $("card-note-text");
let round = null;

/** One card, drawn from its wire form (the Markdown fields come rendered and sanitised). */
export function cardNode(card) {
  const where = [card.city, card.country].filter(Boolean).join(", ");
  const node = el("article", { class: "card org-card", "data-organisation": card.id },
    el("h2", { text: card.name }),
    where ? el("p", { class: "muted", text: where }) : null,
    card.website ? el("p", { class: "website", text: card.website }) : null);
  const prose = (html) => {
    const box = el("div", { class: "prose" });
    box.innerHTML = html; // rendered and sanitised by the server (the one note renderer)
    return box;
  };
  if (card.description_html) node.append(prose(card.description_html));
  if (card.on_subject_html) node.append(el("h3", { text: t("on_subject") }), prose(card.on_subject_html));
  if (card.contact) node.append(el("p", { text: `${t("contact")} ${card.contact}` }));
  if (!card.description_html && !card.on_subject_html) node.append(el("p", { class: "muted", text: t("card_empty") }));
  return node;
}

function current() {
  return round?.cards.find((c) => c.id === round.current) || null;
}

function render() {
  const card = current();
  $("round-place").textContent = card ? `${round.index} / ${round.total}` : "";
  $("round-idle").hidden = !!card;
  $("round-card").replaceChildren(...(card ? [cardNode(card)] : []));
  if (form) form.hidden = !card;
  const notes = card ? round.notes.filter((n) => n.organisation === card.id) : [];
  $("card-notes-box").hidden = !notes.length;
  $("card-notes-title").textContent = count("questions", notes.length);
  $("card-notes").replaceChildren(...notes.map((n) => {
    const body = el("div", { class: "prose" });
    body.innerHTML = n.html;
    return el("li", { class: `card-note kind-${n.kind}`, "data-note": n.id },
      el("span", { class: "kind", text: t(`kind_${n.kind}`) }), body);
  }));
  const next = $("round-next");
  if (next) {
    const after = card ? round.cards[round.index] : null;
    next.hidden = !after;
    next.textContent = after ? `${t("next_card")} ${after.name}` : "";
  }
  document.body.dataset.organisation = card ? card.id : "";
  tick();
}

function tick() {
  const box = $("timer");
  const left = round ? timeLeft(round.timer, link.serverNow()) : null;
  box.hidden = left === null;
  if (left === null) return;
  box.textContent = clock(left);
  box.dataset.state = !round.timer.ends_at ? "paused" : left === 0 ? "over" : left < 30000 ? "soon" : "running";
  box.setAttribute("aria-label", `${t("time_left")} ${clock(left)}`);
}

function addNote(note) {
  if (!round || round.notes.some((n) => n.id === note.id)) return;
  if (note.organisation === round.current) round.notes.push(note);
}

const link = new EventLink(Number(app.dataset.event), {
  snapshot: (ack) => {
    round = ack.round;
    render();
  },
  change: (name, data) => {
    if (name === "round:state") round = data.round;
    else if (name === "card:noted") addNote(data.note);
    render();
  },
  acked: (item, ack) => {
    if (ack.note) addNote(ack.note);
    render();
  },
  rejected: (item, error) => {
    const box = $("card-note-error");
    if (item.event === "card:note" && box) {
      box.textContent = error.message || t("error");
      box.classList.remove("hidden");
      // Never lose what was typed: give it back to the box.
      if (item.payload.text && !area.value) area.value = item.payload.text;
    }
  },
  outbox: (items) => {
    const box = $("outbox");
    if (box) box.textContent = items.length ? `${t("sending")} (${items.length})` : "";
  },
  ...statusHandlers($("status")),
}, "round");
setInterval(tick, 250);

// What is being typed is kept on the phone until it is sent.
const draftKey = `relais:draft:round:${app.dataset.event}`;
function saveDraft() {
  try {
    localStorage.setItem(draftKey, area.value);
  } catch {
    /* storage unavailable: the text stays in the box */
  }
}
if (area) {
  area.value = localStorage.getItem(draftKey) || "";
  area.addEventListener("input", saveDraft);
}

form?.addEventListener("submit", (e) => {
  e.preventDefault();
  const text = area.value.trim();
  if (!text || !round?.current) return;
  $("card-note-error").classList.add("hidden");
  // Into the outbox (kept on the phone) before the box is cleared.
  link.send("card:note", { organisation: round.current, kind: new FormData(form).get("kind"), text });
  area.value = "";
  saveDraft();
});
