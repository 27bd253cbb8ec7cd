// The console's meeting parts: the programme, the tour de table (steered live), the plenary
// screen (one workshop or all in turn), and the bilan's own fields and files.
import { clock, timeLeft } from "./board_screen.js";
import { call, check, formData, input, select, textarea } from "./console_api.js";
import { EventLink } from "./connection.js";
import { limit, t } from "./i18n.js";
import { el } from "./notes.js";
import { statusHandlers } from "./screen_status.js";

const app = document.getElementById("app");
const $ = (id) => document.getElementById(id);
const KINDS = ["round", "workshops", "plenary", "break", "text"];
let live = null; // {round, plenary} as the event's room last said
let current = null; // the event, as the API last said

// ---- programme -------------------------------------------------------------------------
function itemFields(event, item = {}) {
  return [
    el("div", { class: "grid2" },
      select("day", event.days.map((d) => [d.day, d.label]), item.day || event.days[0]?.day, { label: t("day") }),
      select("kind", KINDS.map((k) => [k, t(`kind_${k}`)]), item.kind || "workshops", { label: t("kind") })),
    el("div", { class: "grid2" },
      input("starts_at", item.starts_at || "09:30", { type: "time", required: "", label: t("starts_at") }),
      input("ends_at", item.ends_at || "10:30", { type: "time", required: "", label: t("ends_at") })),
    input("title", item.title, { maxlength: limit("programme", "title"), label: t("title"), placeholder: t("title") }),
    input("room", item.room, { maxlength: limit("programme", "room"), label: t("room"), placeholder: t("room") }),
    textarea("text", item.text, { maxlength: limit("programme", "text"), label: t("details"), placeholder: t("details"), rows: "2" }),
  ];
}

function renderProgramme(event, reload) {
  const root = $("programme");
  if (!event.days.length) {
    root.replaceChildren(el("p", { class: "muted", text: t("set_dates_first") }));
    $("add-programme").hidden = true;
    return;
  }
  $("add-programme").hidden = false;
  const byDay = event.days.map((d) => {
    const items = event.programme.filter((i) => i.day === d.day)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.position - b.position);
    return el("section", { class: "day" }, el("h3", { text: d.label }), items.length
      ? el("ul", { class: "programme" }, ...items.map((item) => programmeItem(event, item, reload)))
      : el("p", { class: "muted", text: t("day_empty") }));
  });
  root.replaceChildren(...byDay);
  const form = $("add-programme-form");
  if (!form.dataset.ready) {
    form.replaceChildren(...itemFields(event), el("button", { type: "submit", text: t("add_to_programme") }));
    form.dataset.ready = "1";
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      await call("POST", "/programme", formData(form));
      form.title.value = "";
      form.text.value = "";
      reload();
    });
  }
}

function programmeItem(event, item, reload) {
  const names = event.workshops.filter((w) => item.workshops.includes(w.id)).map((w) => w.title);
  const edit = el("form", { class: "stack", onsubmit: async (e) => {
    e.preventDefault();
    await call("PATCH", `/programme/${item.id}`, formData(e.target));
    reload();
  } }, ...itemFields(event, item), el("div", { class: "row" },
    el("button", { type: "submit", class: "small", text: t("save") }),
    el("button", { type: "button", class: "small danger", text: t("delete"), onclick: async () => {
      if (!confirm(t("confirm_delete_item"))) return;
      await call("DELETE", `/programme/${item.id}`);
      reload();
    } })));
  return el("li", { class: `kind-${item.kind}`, "data-item": item.id },
    el("span", { class: "when", text: item.label.split(", ").slice(1).join(", ") || item.label }), " ",
    el("strong", { text: item.title || t(`kind_${item.kind}`) }),
    item.title ? el("span", { class: "muted small", text: ` · ${t(`kind_${item.kind}`)}` }) : null,
    names.length ? el("span", { class: "small", text: ` (${names.join(", ")})` }) : null,
    el("details", {}, el("summary", { text: t("edit") }), edit));
}

// ---- tour de table ---------------------------------------------------------------------
function renderRound() {
  if (!live) return;
  const r = live.round;
  const card = r.cards.find((c) => c.id === r.current);
  $("round-now").textContent = card ? `${r.index} / ${r.total} · ${card.name}` : t("round_not_started");
  $("round-to").replaceChildren(el("option", { value: "0", text: "—" }),
    ...r.cards.map((c, i) => el("option", { value: String(c.id), text: `${i + 1}. ${c.name}${c.card_ready ? "" : ` (${t("card_not_ready")})`}` })));
  $("round-to").value = String(r.current || 0);
  tick();
}

function tick() {
  const box = $("round-timer");
  const left = live ? timeLeft(live.round.timer, events.serverNow()) : null;
  box.hidden = left === null;
  if (left !== null) {
    box.textContent = clock(left);
    box.dataset.state = !live.round.timer.ends_at ? "paused" : left === 0 ? "over" : left < 30000 ? "soon" : "running";
  }
}

// ---- plenary ---------------------------------------------------------------------------
function renderPlenary() {
  if (!live || !current) return;
  const box = $("plenary-show");
  box.replaceChildren(el("option", { value: "0", text: t("all_in_turn") }),
    ...current.workshops.map((w) => el("option", { value: String(w.id), text: w.title })));
  box.value = String(live.plenary.workshop || 0);
}

// ---- bilan -----------------------------------------------------------------------------
function renderBilan(event, reload) {
  const form = $("bilan-form");
  form.replaceChildren(
    el("label", { for: "b-next", text: t("next_meeting") }),
    textarea("next_meeting", event.next_meeting, { id: "b-next", maxlength: limit("event", "next_meeting"), rows: "5",
      label: t("next_meeting") }),
    check("bilan_pseudonyms", event.bilan_pseudonyms, t("bilan_pseudonyms")),
    el("div", { class: "grid2" },
      el("div", {}, el("label", { for: "b-language", text: t("files_language") }),
        select("language", [["fr", "Français"], ["nl", "Nederlands"], ["en", "English"]], event.language, { id: "b-language" })),
      el("div", {}, el("label", { for: "b-zone", text: t("time_zone") }),
        input("timezone", event.timezone, { id: "b-zone", maxlength: limit("event", "timezone") }))),
    el("button", { type: "submit", text: t("save") }));
  form.onsubmit = async (e) => {
    e.preventDefault();
    await call("PATCH", "", { ...formData(form), bilan_pseudonyms: form.bilan_pseudonyms.checked });
    reload();
  };
}

/** Draw the meeting's parts of the console from the event (the API's form). */
export function renderMeeting(event, reload) {
  current = event;
  renderProgramme(event, reload);
  renderPlenary();
  renderBilan(event, reload);
}

const events = new EventLink(Number(app.dataset.event), {
  snapshot: (ack) => {
    live = { round: ack.round, plenary: ack.plenary };
    renderRound();
    renderPlenary();
  },
  change: (name, data) => {
    if (!live) return;
    if (name === "round:state") live.round = data.round;
    else if (name === "plenary:state") live.plenary = data.plenary;
    renderRound();
    renderPlenary();
  },
  acked: (item, ack) => {
    if (ack.round && live) live.round = ack.round;
    if (ack.plenary && live) live.plenary = ack.plenary;
    renderRound();
    renderPlenary();
  },
  rejected: (item, error) => {
    const box = $("console-error");
    box.textContent = error.message || t("error");
    box.classList.remove("hidden");
  },
  files: (state) => {
    const box = $("bilan-files");
    box.hidden = state.ok;
    if (!state.ok) box.textContent = t("files_behind").replace("{cause}", t(`cause_${state.cause || "other"}`));
  },
  ...statusHandlers($("event-status")),
}, "console");
setInterval(tick, 250);

for (const step of ["first", "previous", "next", "end"]) {
  $(`round-${step}`).addEventListener("click", () => events.send("round:go", { step }));
}
$("round-to").addEventListener("change", (e) => events.send("round:go", { to: Number(e.target.value) }));
$("round-start").addEventListener("click", () => {
  const minutes = Number($("round-minutes").value) || 5;
  events.send("round:timer", { action: "start", seconds: Math.round(minutes * 60) });
});
for (const action of ["pause", "resume", "stop"]) {
  $(`round-${action}`).addEventListener("click", () => events.send("round:timer", { action }));
}
$("round-extend").addEventListener("click", () => events.send("round:timer", { action: "extend", seconds: 60 }));
$("plenary-show").addEventListener("change", (e) => events.send("plenary:show", { workshop: Number(e.target.value) }));
