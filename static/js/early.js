// The page's socket, opened as soon as this small module and the Socket.IO client have
// loaded, not after every script of the screen: on a venue's slow wifi, a phone's first
// visit then opens its websocket while the rest of the page is still on its way, and
// joins sooner. A page asks for it with `<script type="module" async data-early>` (assets.py,
// `module_script(..., early=True)`); connection.js takes it for its first link, and a page
// that did not ask opens its socket there, as before.
// It imports nothing of the page's own: it may run before the page's words
// (/words/<lang>.js, a deferred script) have.
import { io } from "../vendor/socket.io.esm.min.js";

// The websocket first: long-polling's handshake and upgrade cost three round trips more
// before the board is joined. Where it cannot open (a proxy that refuses websockets),
// long-polling is tried next.
const OPTIONS = { reconnectionDelayMax: 5000, transports: ["websocket", "polling"], tryAllTransports: true };

let early = document.querySelector("script[data-early]") ? io(OPTIONS) : null;

/** The socket opened early (once), else a new one. */
export function takeSocket() {
  const socket = early || io(OPTIONS);
  early = null;
  return socket;
}
