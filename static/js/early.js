// The page's socket, opened as soon as this small module and the Socket.IO client have
// loaded, not after every script of the screen: on a venue's slow wifi, a phone's first
// visit then opens its websocket while the rest of the page is still on its way, and
// joins sooner. A page asks for it with `<script type="module" async data-early="{board, view}">`
// (assets.py, `module_script(..., early=...)`); connection.js takes it for its first link,
// and a page that did not ask opens its socket there, as before.
//
// Every socket carries its join in Socket.IO's connect (`auth: {join}`), answered by
// `board:joined` (or `event:joined`) in its turn: one round trip less than a `board:join`
// sent once connected (300 ms on a crowded wifi), on the first visit and on every reconnect.
// The page's first socket does better: its opener (assets.py, OPENER) carries the join in the
// websocket's address, and the server connects it with that join as soon as it is open, before
// Socket.IO has loaded and with no connect to wait for. Before a screen has taken the early
// socket, the join is the page's (with the board this tab kept), and what the socket hears is
// held for the screen.
// It imports nothing of the page's own: it may run before the page's words
// (/words/<lang>.js, a deferred script) have.
import { io, WebSocket as WebSocketTransport, XHR } from "../vendor/socket.io.esm.min.js";

/** Socket.IO's websocket transport, which first takes the websocket the page opened as its
 * first act (assets.py, OPENER: `globalThis.RELAIS_OPENED`, with the frames it heard), once,
 * if it is still opening or open; a new one otherwise (a reconnect, a page without it).
 * That socket carried the page's join (`join`) in its address, and the server connected it
 * with that join: the connect Socket.IO then writes is not sent (`sentJoin`, read by the
 * connect's `auth`). */
class OpenedWebSocket extends WebSocketTransport {
  createSocket(uri, protocols, opts) {
    const opened = globalThis.RELAIS_OPENED;
    globalThis.RELAIS_OPENED = null;
    if (opened && opened.readyState <= WebSocket.OPEN) {
      this.opened = opened;
      this.sentJoin = opened.join ? { payload: opened.join, socket: opened } : null;
      return opened;
    }
    return super.createSocket(uri, protocols, opts);
  }

  addEventListeners() {
    super.addEventListeners();
    const opened = this.opened;
    this.opened = null;
    if (!opened) return;
    // Once the engine listens to this transport (it does so right after opening it).
    queueMicrotask(() => {
      if (this.ws !== opened) return; // closed meanwhile
      const heard = opened.heard.splice(0);
      if (opened.readyState === WebSocket.OPEN) this.onOpen(); // it opened before it was taken
      for (const data of heard) this.onData(data);
    });
  }

  doWrite(packet, data) {
    // Socket.IO's connect ("40", namespace "/"), once: the server connected this socket already.
    if (this.sentJoin && !this.sentJoin.written && typeof data === "string" && data.startsWith("40")) {
      this.sentJoin.written = true;
      return;
    }
    super.doWrite(packet, data);
  }
}

/** The join the page's opener carried in this socket's websocket address, for the connect
 * Socket.IO is about to write (which is then not sent): {payload, sent}, or null. */
function openerJoin(socket) {
  const transport = socket.io.engine && socket.io.engine.transport;
  const sent = transport && transport.sentJoin;
  if (!sent || sent.written) return null;
  return { payload: sent.payload, sent: sent.socket.at || Date.now() };
}

// The websocket first: long-polling's handshake and upgrade cost three round trips more
// before the board is joined. Where it cannot open (a proxy that refuses websockets),
// long-polling is tried next.
const OPTIONS = { reconnectionDelayMax: 5000, transports: [OpenedWebSocket, XHR], tryAllTransports: true };

// A browser that can inflate asks for the board compressed (a sixth of the bytes on a busy wifi).
export const CAN_INFLATE = typeof DecompressionStream === "function";
// The form of a kept board: raised when a board's wire form changes, so an older one is not used.
const KEPT_FORM = 1;

/** Where a phone's or projector's last board is kept: this tab only (sessionStorage, gone
 * with the tab), never for a console (it always takes the board whole). */
export function keptKey(scope, id, view) {
  return scope === "board" && view !== "console" ? `relais:kept:${KEPT_FORM}:${id}:${view}` : null;
}

/** The board this tab kept ({seq, board, mine, facilitator}), or null. */
export function keptBoard(key) {
  try {
    const found = key && JSON.parse(sessionStorage.getItem(key));
    return found && found.board && typeof found.seq === "number" ? found : null;
  } catch {
    return null;
  }
}

/** A join's payload: the whole board, or with `seq` the changes since. */
export function joinPayload(scope, id, view, seq, pack) {
  const payload = { [scope]: id, view };
  if (seq !== null && scope === "board") payload.since = seq;
  if (pack && scope === "board") payload.pack = "deflate";
  return payload;
}

function open(page) {
  // link: the screen that took this socket (connection.js); join: the page's join, carried
  // before that; heard: what the socket received before that, for the screen.
  const held = { link: null, join: null, heard: [] };
  const socket = io({
    ...OPTIONS,
    auth: (send) => {
      const sent = openerJoin(socket);
      if (held.link) return send(held.link.carry(sent));
      if (sent) {
        held.join = sent;
      } else {
        const kept = page && keptBoard(keptKey("board", page.board, page.view));
        held.join = page ? { payload: joinPayload("board", page.board, page.view, kept ? kept.seq : null, CAN_INFLATE),
          sent: Date.now() } : null;
      }
      return send(held.join ? { join: held.join.payload } : {});
    },
  });
  socket.onAny((...args) => held.link || held.heard.push(args));
  return { socket, held };
}

function pageJoin(tag) {
  try {
    const page = JSON.parse(tag.dataset.early || "null");
    return page && Number.isInteger(page.board) && typeof page.view === "string" ? page : null;
  } catch {
    return null;
  }
}

const tag = document.querySelector("script[data-early]");
let early = tag ? open(pageJoin(tag)) : null;

/** The socket opened early (once), else a new one, for this link (connection.js): from now
 * on each connect carries the link's join (link.carry()). With it, the join the early socket
 * carried before (or null), and the events it heard before, in order. */
export function takeSocket(link) {
  const { socket, held } = early || open(null);
  early = null;
  held.link = link;
  return { socket, carried: held.join, heard: held.heard.splice(0) };
}
