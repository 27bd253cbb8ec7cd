// Translated strings for the scripts, embedded by the server in each page (gettext).
const strings = JSON.parse(document.getElementById("i18n")?.textContent || "{}");

export function t(key) {
  return strings[key] ?? key;
}
