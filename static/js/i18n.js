// What the server embeds in each page: translated strings (gettext) and the limits of
// every field, both from the server's own declarations, so no script retypes them.
const strings = JSON.parse(document.getElementById("i18n")?.textContent || "{}");
const limits = JSON.parse(document.getElementById("limits")?.textContent || "{}");

export function t(key) {
  return strings[key] ?? key;
}

/** A field's limit, e.g. limit("note", "text") is the longest note (maxLength by default). */
export function limit(form, field, key = "maxLength") {
  return limits[form]?.[field]?.[key];
}
