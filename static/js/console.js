// The facilitator console: the event, its workshops (and their columns) and its
// organisations, through the JSON API.
import { call, check, code, formData, input, link, select, textarea } from "./console_api.js";
import { renderMeeting } from "./console_meeting.js";
import { renderOwner } from "./console_owner.js";
import { limit, t } from "./i18n.js";
import { el } from "./notes.js";

async function reload() {
  const { event } = await call("GET", "");
  document.getElementById("event-title").textContent = event.title;
  renderWorkshops(event);
  renderOrganisations(event);
  renderMeeting(event, reload);
  renderOwner(event, reload);
}

function renderWorkshops(event) {
  const root = document.getElementById("workshops");
  if (!event.workshops.length) {
    root.replaceChildren(el("p", { class: "muted", text: t("no_workshops") }));
    return;
  }
  root.replaceChildren(...event.workshops.map((w) => workshopCard(w, event)));
}

function workshopCard(w, event) {
  const path = `/workshops/${w.id}`;
  const when = [w.day_label, w.time_slot, w.room].filter(Boolean).join(" · ");
  const edit = el("form", { class: "stack", onsubmit: async (e) => {
    e.preventDefault();
    const data = formData(e.target);
    data.slot = Number(data.slot);
    await call("PATCH", path, data);
    reload();
  } },
  input("title", w.title, { maxlength: limit("workshop", "title"), required: "", label: t("title") }),
  Object.assign(el("textarea", { name: "question", maxlength: limit("workshop", "question"), "aria-label": t("question") }), { value: w.question }),
  el("div", { class: "grid2" }, input("day", w.day, { type: "date", label: t("day"),
    ...(event.days.length ? { min: event.days[0].day, max: event.days[event.days.length - 1].day } : {}) }), input("time_slot", w.time_slot, { maxlength: limit("workshop", "time_slot"), label: t("time_slot") })),
  input("room", w.room, { maxlength: limit("workshop", "room"), label: t("room") }),
  select("slot", [["0", t("no_slot")], ...event.programme.filter((i) => i.kind === "workshops")
    .map((i) => [i.id, `${i.label}${i.title ? ` · ${i.title}` : ""}`])], w.slot || 0, { label: t("slot") }),
  el("label", { text: t("summary") }),
  textarea("summary", w.summary, { maxlength: limit("workshop", "summary"), label: t("summary"), rows: "6" }),
  el("button", { type: "submit", class: "small", text: t("save") }));

  const columns = el("ol", {}, ...w.columns.map((c, i) => el("li", {},
    el("form", { class: "row", onsubmit: async (e) => {
      e.preventDefault();
      await call("PATCH", `${path}/columns/${c.id}`, { title: formData(e.target).title });
      reload();
    } },
    input("title", c.title, { maxlength: limit("column", "title"), required: "", label: t("rename") }),
    el("button", { type: "submit", class: "small secondary", text: t("save") }),
    i > 0 ? el("button", { type: "button", class: "small secondary", text: "↑", "aria-label": t("move_up"), onclick: async () => {
      await call("PATCH", `${path}/columns/${c.id}`, { index: i - 1 });
      reload();
    } }) : null,
    el("button", { type: "button", class: "small danger", text: t("delete"), onclick: async () => {
      if (!confirm(t("confirm_delete_column"))) return;
      await call("DELETE", `${path}/columns/${c.id}`);
      reload();
    } })))));
  const addColumn = el("form", { class: "row", onsubmit: async (e) => {
    e.preventDefault();
    await call("POST", `${path}/columns`, formData(e.target));
    reload();
  } }, input("title", "", { maxlength: limit("column", "title"), required: "", label: t("new_column") }),
  el("button", { type: "submit", class: "small", text: "+", "aria-label": t("new_column") }));

  return el("article", { class: "card", "data-workshop": w.id },
    el("h3", { text: w.title }),
    w.question ? el("p", { text: w.question }) : null,
    when ? el("p", { class: "muted small", text: when }) : null,
    el("p", { class: "row" },
      link(`/${code}/console/w/${w.id}`, "▶ " + w.title, { class: "button small" }),
      link(`/${code}/w/${w.id}/screen`, t("projector"), { target: "_blank", rel: "noopener" }),
      link(`/${code}/w/${w.id}`, t("phone")),
      link(`/${code}/w/${w.id}/notes.md`, t("download"))),
    el("details", {}, el("summary", { text: t("edit") }), edit,
      el("h4", { text: t("columns") }), columns, addColumn,
      el("p", {}, el("button", { type: "button", class: "danger small", text: t("delete"), onclick: async () => {
        if (!confirm(t("confirm_delete_workshop"))) return;
        await call("DELETE", path);
        reload();
      } }))));
}

function renderOrganisations(event) {
  const rows = event.organisations.map((o) => {
    const form = el("form", { class: "org-row", onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target;
      await call("PATCH", `/organisations/${o.id}`, {
        ...formData(f), position: Number(f.position.value || 0),
        card_ready: f.card_ready.checked, is_host: f.is_host.checked,
      });
      reload();
    } },
    input("name", o.name, { maxlength: limit("organisation", "name"), required: "", label: t("name") }),
    input("city", o.city, { maxlength: limit("organisation", "city"), label: t("city") }),
    input("country", o.country, { maxlength: limit("organisation", "country"), label: t("country") }),
    input("position", o.position, { type: "number", min: "0", max: limit("organisation", "position", "maximum"),
      class: "narrow", label: t("turn") }),
    check("card_ready", o.card_ready, t("card_ready")),
    check("is_host", o.is_host, t("host")),
    link(`/${code}/cards/${o.id}`, t("card")),
    el("button", { type: "submit", class: "small secondary", text: t("save") }),
    el("button", { type: "button", class: "small danger", text: t("delete"), onclick: async () => {
      if (!confirm(t("confirm_delete_org"))) return;
      await call("DELETE", `/organisations/${o.id}`);
      reload();
    } }));
    return el("tr", { "data-organisation": o.id }, el("td", {}, form));
  });
  document.getElementById("organisations").replaceChildren(...rows);
}

document.getElementById("add-workshop").addEventListener("submit", async (e) => {
  e.preventDefault();
  await call("POST", "/workshops", formData(e.target));
  e.target.reset();
  reload();
});

document.getElementById("add-organisation").addEventListener("submit", async (e) => {
  e.preventDefault();
  await call("POST", "/organisations", formData(e.target));
  e.target.querySelector("[name=name]").value = "";
  e.target.querySelector("[name=city]").value = "";
  reload();
});

document.getElementById("event-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  await call("PATCH", "", formData(e.target));
  reload();
});

document.getElementById("rotate-link").addEventListener("click", async () => {
  const { facilitator_url: url } = await call("POST", "/facilitator-link");
  const box = document.getElementById("new-link");
  box.textContent = url;
  box.classList.remove("hidden");
});

reload();
