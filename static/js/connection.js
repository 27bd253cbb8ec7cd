// The one socket connection of a screen: join and catch up by sequence number, op ids
// on every command, and an outbox kept in localStorage so that nothing typed is lost on
// a reconnect, a reload or a crash. A screen follows a board ("board" scope) or the live
// parts of a whole event ("event" scope: the tour de table, the plenary screen).
import { CAN_INFLATE, joinPayload, keptBoard, keptKey, takeSocket } from "./early.js";

const BROADCASTS = {
  board: ["note:added", "note:edited", "note:moved", "note:deleted", "note:purged", "board:columns",
    "board:workshop", "board:state", "board:counts", "board:groups", "board:vote", "board:actions"],
  event: ["round:state", "card:noted", "plenary:state", "plenary:workshop"],
};
// Sent to this participant's own sockets only, without seq (their own notes, their own dots).
const OWN_EVENTS = ["note:own", "vote:mine"];
const ACK_TIMEOUT = 10000;
// A browser that can inflate asks for the board compressed (a sixth of the bytes on a busy
// wifi); an old one (no DecompressionStream) gets it as JSON, as before.
let PACK = CAN_INFLATE;

/** The board of a join's answer, compressed (zlib; Socket.IO hands its binary part over as an ArrayBuffer). */
async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return JSON.parse(await new Response(stream).text());
}
const MAX_RETRIES = 5;

export function newOpId() {
  // crypto.randomUUID needs HTTPS; a venue's laptop serves plain HTTP on the LAN.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// One localStorage entry per command, so that two tabs of the same board never
// overwrite each other's unsent notes (a board's keys keep their old form, so that
// what a phone kept before this version is still sent).
function storageKey(scope, id, op) {
  return scope === "board" ? `relais:outbox:${id}:${op}` : `relais:outbox:${scope}-${id}:${op}`;
}

function loadOutbox(scope, id) {
  const prefix = storageKey(scope, id, "");
  const items = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(prefix)) items.push(JSON.parse(localStorage.getItem(key)));
    }
  } catch {
    /* storage unavailable or damaged: start empty */
  }
  return items.filter((x) => x && x.op && x.event).sort((a, b) => a.at - b.at);
}

export class Link {
  /**
   * scope: "board" or "event"; id: the board's or the event's.
   * handlers: snapshot(...), change(name, data), acked(item, ack), rejected(item, error), outbox(items),
   * status(state), slowed(error), stopping(); for a board also own(name, data), mine(ids), vote(vote),
   * deleted(), revoked(), files(state).
   * view: what the server sends this screen ("phone", "projector", "console"; "round", "plenary").
   */
  constructor(scope, id, handlers, view) {
    this.scope = scope;
    this.id = id;
    this.board = id; // (a board screen's handlers read link.board)
    this.h = handlers;
    this.view = view;
    this.offset = 0; // server clock minus this device's clock, in ms
    this.seq = null;
    this.joined = false;
    this.joinToken = 0;
    this.buffer = null;
    this.tallied = null; // the latest tally heard while joining
    this.sending = false;
    this.outbox = loadOutbox(scope, id);
    this.carrying = null; // the join the socket's latest connect carried: {token, payload, sent, heard}
    // Opened early by the page, or now (early.js); each connect carries this link's join (carry()).
    const { socket, carried, heard } = takeSocket(this);
    this.socket = socket;
    if (carried) this.carrying = { token: ++this.joinToken, ...carried, heard: false };
    if (carried) this.buffer = [];
    this.socket.on("connect", () => this.connected());
    this.socket.on(`${scope}:joined`, (ack) => this.heard(ack));
    this.socket.on("disconnect", () => {
      this.joined = false;
      this.sending = false;
      this.carrying = null;
      this.status();
    });
    for (const name of BROADCASTS[scope]) this.socket.on(name, (data) => this.receive(name, data));
    for (const name of OWN_EVENTS) {
      this.socket.on(name, (data) => data && data.board === this.board && this.h.own?.(name, data));
    }
    this.socket.on(`${scope}:deleted`, (data) => {
      if (data && data[scope] === this.id) this.h.deleted?.();
    });
    // This console's facilitator link was replaced: it hears nothing more and says so.
    this.socket.on("access:revoked", (data) => {
      if (data && data.board === this.board) this.h.revoked?.();
    });
    // Consoles: the board's Markdown file (or the event's bilan) is behind (a full disk...) or whole again.
    this.socket.on("files:state", (data) => {
      if (data && data[scope] === this.id) this.h.files?.(data);
    });
    // A vote's latest totals (dots are cast without a seq; at most one tally per 100 ms): kept
    // while joining, applied after; a tally from a seq this screen has not reached yet means
    // it missed a change, and catches up.
    this.socket.on("board:tally", (data) => {
      if (!data || scope !== "board" || data.board !== this.id) return;
      if (this.buffer) this.tallied = data;
      else if (this.seq !== null && data.seq > this.seq) this.join();
      else this.h.change("board:tally", data);
    });
    // Every few seconds, the current seq: behind it (a broadcast lost on the way between two
    // workers), this screen catches up.
    this.socket.on(`${scope}:seq`, (data) => {
      if (data && data[scope] === this.id && this.joined && this.seq !== null && data.seq > this.seq) this.join();
    });
    // The server is stopping (a restart, the laptop closing): the socket will reconnect by itself.
    this.socket.on("server:stopping", () => this.h.stopping?.());
    window.addEventListener("online", () => {
      this.status();
      this.flush();
    });
    window.addEventListener("offline", () => this.status());
    this.h.outbox?.(this.outbox);
    this.status();
    // A reload shows the board this tab kept at once, and asks only for what changed since.
    const kept = this.kept();
    if (kept) {
      this.seq = kept.seq;
      // Once the screen holds this link (the constructor has returned), before any answer.
      queueMicrotask(() => this.h.snapshot(kept.board, kept.mine, kept.facilitator));
    }
    // A socket opened early may have heard things before this link took it (its join's
    // answer among them), or be connected already without a join: after the kept board.
    queueMicrotask(() => {
      for (const [name, ...args] of heard) for (const listener of this.socket.listeners(name)) listener(...args);
      if (this.socket.connected) this.connected();
    });
  }

  /** Connected: the join its connect carried is answered in its turn (the server's joins take
   * turns); one not answered within an ack's time (a server of an older version) is sent
   * again as `board:join`. A connect that carried none joins now. */
  connected() {
    const carrying = this.carrying;
    if (!carrying) {
      this.join();
    } else if (!carrying.heard && !carrying.timer) {
      carrying.timer = setTimeout(() => {
        if (this.carrying === carrying && !carrying.heard && this.socket.connected) this.join();
      }, ACK_TIMEOUT);
    }
  }

  keptKey() {
    return keptKey(this.scope, this.id, this.view);
  }

  kept() {
    return keptBoard(this.keptKey());
  }

  keep(board, mine, facilitator) {
    const key = this.keptKey();
    if (!key) return;
    try {
      // While writing is private a phone's board holds its own notes only, and catch-up is
      // refused anyway: nothing kept.
      if (board.state && board.state.private) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify({ seq: board.seq, board, mine, facilitator }));
    } catch {
      /* storage full or disabled: the next reload takes the board whole */
    }
  }

  /** Stop for good (this screen may no longer follow its board): what it says stays said. */
  close() {
    this.closed = true;
    this.socket.disconnect();
  }

  status() {
    if (this.closed) return;
    let state = "online";
    if (!navigator.onLine) state = "offline";
    else if (!this.socket.connected || !this.joined) state = "reconnecting";
    this.h.status?.(state, this.outbox.length);
  }

  /** Write (or, with remove, delete) one command's entry, then tell the screen. */
  save(item, remove = false) {
    try {
      if (remove) localStorage.removeItem(storageKey(this.scope, this.id, item.op));
      else localStorage.setItem(storageKey(this.scope, this.id, item.op), JSON.stringify(item));
    } catch {
      // Storage full or disabled: the outbox still lives in memory until sent.
    }
    this.h.outbox?.(this.outbox);
  }

  /** The join a connect carries (early.js calls it as the socket connects, `auth`); `sent`,
   * the join the page's opener carried in this socket's address ({payload, sent}), if it did:
   * the server answers that one, and this connect is not sent. */
  carry(sent = null) {
    const payload = sent ? sent.payload : joinPayload(this.scope, this.id, this.view, this.seq, PACK);
    this.carrying = { token: ++this.joinToken, payload, sent: sent ? sent.sent : Date.now(), heard: false };
    this.buffer = [];
    this.joined = false;
    return { join: payload };
  }

  /** The answer to the join the connect carried. */
  heard(ack) {
    const carrying = this.carrying;
    if (!carrying || carrying.heard || carrying.token !== this.joinToken) return;
    carrying.heard = true;
    clearTimeout(carrying.timer);
    this.answered(carrying.token, carrying.payload, carrying.sent, null, ack);
  }

  join() {
    const token = ++this.joinToken;
    this.buffer = [];
    this.joined = false;
    const payload = joinPayload(this.scope, this.id, this.view, this.seq, PACK);
    const sent = Date.now();
    this.socket.timeout(ACK_TIMEOUT).emit(`${this.scope}:join`, payload, (err, ack) =>
      this.answered(token, payload, sent, err, ack));
  }

  /** A join's answer (to `board:join`, or to the join its connect carried). */
  async answered(token, payload, sent, err, ack) {
    if (token !== this.joinToken) return; // a newer join superseded this one
    if (ack && ack.ok && ack.board instanceof ArrayBuffer) {
      try {
        ack.board = { ...(await inflate(ack.board)), vote: ack.vote ?? null };
      } catch {
        PACK = false; // this browser could not inflate it after all: ask for JSON
        if (token === this.joinToken) this.join();
        return;
      }
      if (token !== this.joinToken) return;
    }
    // Timers follow the server's clock: half the round trip is the best guess of the delay.
    if (ack && ack.now) this.offset = ack.now - (sent + Date.now()) / 2;
    if (err || !ack) {
      if (this.socket.connected) setTimeout(() => token === this.joinToken && this.join(), 2000);
      return;
    }
    if (!ack.ok) {
      this.buffer = null;
      this.h.rejected?.({ event: `${this.scope}:join`, payload }, ack.error);
      return;
    }
    if (ack.files) this.h.files?.(ack.files);
    if (this.scope === "event") {
      this.seq = ack.seq;  // the whole event's state is small: always taken whole
      this.h.snapshot(ack);
    } else if (ack.board) {
      this.seq = ack.board.seq;
      this.h.snapshot(ack.board, ack.mine || [], !!ack.facilitator);
      this.keep(ack.board, ack.mine || [], !!ack.facilitator);
    } else {
      for (const change of ack.changes) this.apply(change.event, change.data);
      this.h.mine?.(ack.mine || []);
      this.h.vote?.(ack.vote || null);
    }
    const buffered = this.buffer || [];
    this.buffer = null;
    for (const [name, data] of buffered) this.receive(name, data);
    if (this.tallied && this.tallied.seq <= this.seq) this.h.change("board:tally", this.tallied);
    this.tallied = null;
    this.joined = true;
    this.status();
    this.flush();
  }

  receive(name, data) {
    if (!data || data[this.scope] !== this.id) return;
    if (this.buffer) {
      this.buffer.push([name, data]);
      return;
    }
    if (this.seq === null || data.seq <= this.seq) return; // already applied
    if (data.seq > this.seq + 1) {
      this.join(); // a gap: ask for the changes since the last one seen
      return;
    }
    this.apply(name, data);
  }

  apply(name, data) {
    this.seq = data.seq;
    this.h.change(name, data);
    if (data.resync) {
      // What this screen may see has changed (notes revealed, pseudonyms hidden): reload it.
      this.seq = null;
      this.join();
    }
  }

  /** The server's current time in ms, as well as this device can tell. */
  serverNow() {
    return Date.now() + this.offset;
  }

  /** Queue a command; it is kept on the device until the server acknowledges it. */
  send(event, payload) {
    const item = { op: newOpId(), event, payload: { ...payload, [this.scope]: this.id }, tries: 0, at: Date.now() };
    this.outbox.push(item);
    this.save(item);
    this.flush();
    this.status();
    return item;
  }

  flush() {
    // While the phone says it is offline, keep everything here: a socket that has not
    // noticed yet would swallow the command until its ack times out.
    if (!this.joined || this.sending || !this.outbox.length || !this.socket.connected || !navigator.onLine) return;
    const item = this.outbox[0];
    this.sending = true;
    this.socket.timeout(ACK_TIMEOUT).emit(item.event, { ...item.payload, op: item.op }, (err, ack) => {
      this.sending = false;
      if (err || !ack) {
        // No answer: keep it. The same op id is sent again, and applied once.
        if (this.socket.connected) setTimeout(() => this.flush(), 1000);
        return;
      }
      if (!ack.ok && ack.error.code === "not_joined") {
        this.join();
        return;
      }
      if (!ack.ok && ack.error.code === "internal" && ++item.tries < MAX_RETRIES) {
        this.save(item);
        setTimeout(() => this.flush(), 2000 * item.tries);
        return;
      }
      if (!ack.ok && (ack.error.code === "too_fast" || ack.error.code === "busy")) {
        // Over a rate limit, or a server busy (its database locked, or stopping): keep it, and
        // send it again when the server says it may.
        this.h.slowed?.(ack.error);
        this.sending = true;
        setTimeout(() => { this.sending = false; this.flush(); }, 1000 * (ack.error.retry_after || 5));
        return;
      }
      this.outbox = this.outbox.filter((x) => x.op !== item.op);
      this.save(item, true);
      if (ack.ok) this.h.acked?.(item, ack);
      else this.h.rejected?.(item, ack.error);
      this.status();
      this.flush();
    });
  }
}

/** The connection of a board's screen (phone, projector, console). */
export class BoardLink extends Link {
  constructor(boardId, handlers, view = "phone") {
    super("board", boardId, handlers, view);
  }
}

/** The connection of a screen of the whole event (the round, the plenary screen, the console). */
export class EventLink extends Link {
  constructor(eventId, handlers, view) {
    super("event", eventId, handlers, view);
  }
}
