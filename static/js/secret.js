// A secret link is /f#<token>: the token after "#" never leaves the browser in an address (no
// server or proxy logs it). This page posts it, then goes where the answer says; the token
// is dropped from the address bar and the history at once.
const token = decodeURIComponent(window.location.hash.slice(1));
history.replaceState(null, "", window.location.pathname);
const status = document.getElementById("secret-status");
const missing = document.getElementById("secret-missing");

async function open() {
  if (!token) {
    status.hidden = true;
    missing.classList.remove("hidden");
    return;
  }
  const response = await fetch("/f", {
    method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
    body: JSON.stringify({ token }),
  }).catch(() => null);
  const answer = response ? await response.json().catch(() => null) : null;
  if (answer?.ok) {
    window.location.replace(answer.location);
    return;
  }
  status.textContent = answer?.error?.message || "";
  missing.classList.remove("hidden");
}

open();
