// What only the owner does in the console: workshop facilitators' links (made, named,
// revoked one by one; a link's address is shown once), how long the event is kept, its
// package, and deleting it for good.
import { call, check, code, input } from "./console_api.js";
import { limit, t } from "./i18n.js";
import { el } from "./notes.js";

const $ = (id) => document.getElementById(id);

function renderLinks(event, reload) {
  const names = new Map(event.workshops.map((w) => [w.id, w.title]));
  const rows = event.links.map((link) => el("li", { class: "row", "data-link": link.id },
    el("strong", { text: link.name }),
    el("span", { class: "muted small", text: link.workshops.map((id) => names.get(id)).filter(Boolean).join(", ") || t("no_workshop_left") }),
    el("button", { type: "button", class: "small danger", text: t("revoke"), onclick: async () => {
      if (!confirm(t("confirm_revoke").replace("{name}", () => link.name))) return;
      await call("DELETE", `/links/${link.id}`);
      reload();
    } })));
  $("links").replaceChildren(...(rows.length ? rows : [el("li", { class: "muted", text: t("no_links") })]));
  const form = $("link-form");
  const chosen = new Set([...form.querySelectorAll("input[name=workshop]:checked")].map((b) => Number(b.value)));
  form.replaceChildren(
    el("label", { for: "link-name", text: t("link_name") }),
    input("name", "", { id: "link-name", maxlength: limit("link", "name"), required: "", placeholder: t("link_name_example") }),
    el("fieldset", { class: "stack" }, el("legend", { text: t("link_workshops") }),
      ...event.workshops.map((w) => {
        const box = check("workshop", chosen.has(w.id), w.title);
        box.querySelector("input").value = String(w.id);
        return box;
      })),
    el("button", { type: "submit", text: t("make_link") }));
  form.onsubmit = async (e) => {
    e.preventDefault();
    const workshops = [...form.querySelectorAll("input[name=workshop]:checked")].map((b) => Number(b.value));
    const { url, link } = await call("POST", "/links", { name: form.name.value, workshops });
    const box = $("new-workshop-link");
    box.replaceChildren(el("strong", { text: `${link.name} : ` }), el("span", { text: url }));
    box.classList.remove("hidden");
    form.reset();
    reload();
  };
}

function renderRetention(event, reload) {
  $("erased-on").textContent = t("erased_on").replace("{date}", event.erased_label);
  const form = $("retention-form");
  form.replaceChildren(
    el("label", { for: "retention-days", text: t("retention_days") }),
    el("div", { class: "row" },
      input("retention_days", event.retention_days, { id: "retention-days", type: "number", min: "1",
        max: String(event.retention_max), class: "narrow" }),
      el("button", { type: "submit", class: "small secondary", text: t("save") })));
  form.onsubmit = async (e) => {
    e.preventDefault();
    await call("PATCH", "", { retention_days: Number(form.retention_days.value) });
    reload();
  };
}

/** Draw the owner's parts of the console from the event (the API's owner form). */
export function renderOwner(event, reload) {
  if (!event.links) return;
  renderLinks(event, reload);
  renderRetention(event, reload);
}

$("delete-event").addEventListener("submit", async (e) => {
  e.preventDefault();
  const typed = e.target.confirm.value;
  if (!confirm(t("confirm_delete_event"))) return;
  await call("DELETE", "", { confirm: typed });
  window.location.assign("/");
});
$("delete-event").querySelector("input[name=confirm]").placeholder = code;
