// The page that shows the facilitator link once: a button copies it.
import { t } from "./i18n.js";

const link = document.getElementById("facilitator-link");
const button = document.getElementById("copy-link");

button.addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(link.textContent.trim());
  } catch {
    // No clipboard (plain HTTP on the LAN): select the text so a long press copies it.
    const range = document.createRange();
    range.selectNodeContents(link);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return;
  }
  button.textContent = t("copied");
});
button.hidden = false;
