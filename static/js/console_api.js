// What the console's parts share: the JSON API of the event, and small form helpers.
import { t } from "./i18n.js";
import { el } from "./notes.js";

const app = document.getElementById("app");
export const code = app.dataset.code;
const errorBox = document.getElementById("console-error");
const base = `/api/events/${code}`;

/** Call the event's API; on a refusal, show its message and throw. */
export async function call(method, path, body) {
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

export function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

export function input(name, value, attrs = {}) {
  const node = el("input", { name, "aria-label": attrs.label || name, ...attrs });
  node.value = value ?? "";
  return node;
}

export function textarea(name, value, attrs = {}) {
  const node = el("textarea", { name, "aria-label": attrs.label || name, ...attrs });
  node.value = value ?? "";
  return node;
}

export function select(name, options, value, attrs = {}) {
  const node = el("select", { name, "aria-label": attrs.label || name, ...attrs },
    ...options.map(([v, text]) => el("option", { value: String(v), text })));
  node.value = String(value ?? "");
  return node;
}

export function check(name, checked, label) {
  const box = el("input", { type: "checkbox", name });
  box.checked = !!checked;
  return el("label", { class: "check" }, box, el("span", { text: label }));
}

export function link(href, text, extra = {}) {
  return el("a", { class: "button secondary small", href, ...extra, text });
}
