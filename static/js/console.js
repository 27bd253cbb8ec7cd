// The facilitator console: the event, its workshops (and their columns) and its
// organisations, through the JSON API.
import { limit, t } from "./i18n.js";
import { el } from "./notes.js";

const app = document.getElementById("app");
const code = app.dataset.code;
const errorBox = document.getElementById("console-error");
const base = `/api/events/${code}`;

async function call(method, path, body) {
  errorBox.classList.add("hidden");
  const response = await fetch(base + path, {
    method,
    // Every change sends JSON (even an empty object): the API refuses anything else.
    headers: method !== "GET" ? { "Content-Type": "application/json" } : {},
    body: method !== "GET" ? JSON.stringify(body ?? {}) : undefined,
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => ({ ok: false, error: { message: t("error") } }));
  if (!data.ok) {
    errorBox.textContent = data.error?.message || t("error");
    errorBox.classList.remove("hidden");
    throw new Error(data.error?.code || "error");
  }
  return data;
}

function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

function input(name, value, attrs = {}) {
  const node = el("input", { name, "aria-label": attrs.label || name, ...attrs });
  node.value = value ?? "";
  return node;
}

async function reload() {
  const { event } = await call("GET", "");
  document.getElementById("event-title").textContent = event.title;
  renderWorkshops(event);
  renderOrganisations(event);
}

function renderWorkshops(event) {
  const root = document.getElementById("workshops");
  if (!event.workshops.length) {
    root.replaceChildren(el("p", { class: "muted", text: "—" }));
    return;
  }
  root.replaceChildren(...event.workshops.map((w) => workshopCard(w)));
}

function link(href, text, extra = {}) {
  return el("a", { class: "button secondary small", href, ...extra, text });
}

function workshopCard(w) {
  const path = `/workshops/${w.id}`;
  const when = [w.day, w.time_slot, w.room].filter(Boolean).join(" · ");
  const edit = el("form", { class: "stack", onsubmit: async (e) => {
    e.preventDefault();
    await call("PATCH", path, formData(e.target));
    reload();
  } },
  input("title", w.title, { maxlength: limit("workshop", "title"), required: "", label: "title" }),
  Object.assign(el("textarea", { name: "question", maxlength: limit("workshop", "question"), "aria-label": "question" }), { value: w.question }),
  el("div", { class: "grid2" }, input("day", w.day, { type: "date", label: "day" }), input("time_slot", w.time_slot, { maxlength: limit("workshop", "time_slot"), label: "time slot" })),
  input("room", w.room, { maxlength: limit("workshop", "room"), label: "room" }),
  el("button", { type: "submit", class: "small", text: t("save") }));

  const columns = el("ol", {}, ...w.columns.map((c, i) => el("li", {},
    el("form", { class: "row", onsubmit: async (e) => {
      e.preventDefault();
      await call("PATCH", `${path}/columns/${c.id}`, { title: formData(e.target).title });
      reload();
    } },
    input("title", c.title, { maxlength: limit("column", "title"), required: "", label: t("rename") }),
    el("button", { type: "submit", class: "small secondary", text: t("save") }),
    i > 0 ? el("button", { type: "button", class: "small secondary", text: "↑", "aria-label": "↑", onclick: async () => {
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
  } }, input("title", "", { maxlength: limit("column", "title"), required: "", label: "column" }), el("button", { type: "submit", class: "small", text: "+" }));

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
      await call("PATCH", `/organisations/${o.id}`, formData(e.target));
      reload();
    } },
    input("name", o.name, { maxlength: limit("organisation", "name"), required: "", label: t("name") }),
    input("city", o.city, { maxlength: limit("organisation", "city"), label: t("city") }),
    input("country", o.country, { maxlength: limit("organisation", "country"), label: t("country") }),
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
