// What the server gives every page's scripts, in the page's language: translated strings
// (gettext), the plural forms of every count (ngettext), and the limits of every field, all
// from the server's own declarations, so no script retypes them. A deferred script of its
// own (/words/<lang>.js, base.html), kept by the browser: it runs before the page's modules
// (only early.js, which reads none of it, may run sooner).
const words = globalThis.RELAIS_WORDS || {};
const strings = words.strings || {};
const plurals = words.plurals || {};
const limits = words.limits || {};
const rules = new Intl.PluralRules(document.documentElement.lang || "fr");

export function t(key) {
  return strings[key] ?? key;
}

/** A count in words, in the page's language: count("dots", 1) is "1 point", never "1 points".
 *  vars fill the other {names} of the form. */
export function count(key, n, vars = {}) {
  const forms = plurals[key] || {};
  let text = (forms[rules.select(n)] ?? forms.other ?? key).replace("{n}", String(n));
  for (const [name, value] of Object.entries(vars)) text = text.replace(`{${name}}`, String(value));
  return text;
}

/** A field's limit, e.g. limit("note", "text") is the longest note (maxLength by default). */
export function limit(form, field, key = "maxLength") {
  return limits[form]?.[field]?.[key];
}
