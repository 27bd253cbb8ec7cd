// What a screen knows of a board, and how each change from the server alters it: no DOM here,
// so that the same rules can be checked against the server's snapshot (tests/client_model.py
// follows them line by line, and a browser test runs this module on recorded changes).

/** The ids whose total differs between two results lists ([{id, dots}] or null). */
export function changedTotals(before, after) {
  const was = new Map((before || []).map((r) => [r.id, r.dots]));
  const now = new Map((after || []).map((r) => [r.id, r.dots]));
  const ids = [];
  for (const id of new Set([...was.keys(), ...now.keys()])) if (was.get(id) !== now.get(id)) ids.push(id);
  return ids;
}

/** The key of a container of notes: a group, or the loose notes of a column. */
export function containerKey(column, group) {
  return `${column}:${group || 0}`;
}

export class BoardState {
  constructor() {
    this.columns = [];
    this.notes = new Map(); // id -> note
    this.groups = new Map(); // id -> group
    this.state = { phase: "collect", private: false, locked: false, anonymity: "shown", timer: null,
      spotlight: null, may: {} };
    this.counts = null; // notes per column while writing is private
    this.vote = null; // the current vote, with .mine = {left, dots}
    this.actions = [];
    this.workshop = null;
  }

  /** Take a whole snapshot (board:join's answer). */
  load(board) {
    this.notes = new Map(board.notes.map((n) => [n.id, { ...n }]));
    this.state = board.state;
    this.counts = board.counts;
    this.vote = board.vote;
    this.actions = board.actions || [];
    this.workshop = board.workshop;
    this.setGroups(board.groups || []);
    this.columns = [...board.columns].sort((a, b) => a.position - b.position);
  }

  /** Insert or update a note; an older version never replaces a newer one. True when it changed. */
  upsert(note, force = false) {
    const known = this.notes.get(note.id);
    if (known && known.version > note.version && !force) return false;
    this.notes.set(note.id, { ...known, ...note });
    return true;
  }

  setGroups(groups) {
    this.groups = new Map(groups.map((g) => [g.id, g]));
    for (const note of this.notes.values()) if (note.group && !this.groups.has(note.group)) note.group = null;
  }

  /** Renumber one container as the server did: ids in their new order. */
  renumber(ids) {
    ids.forEach((id, index) => {
      const note = this.notes.get(id);
      if (note) note.position = index;
    });
  }

  /**
   * Apply one change from the server. Returns what it touched: {notes: [ids], removed: [ids],
   * board: true when more than notes changed (groups, columns, state, vote, actions),
   * totals: [ids of notes or groups whose vote total moved], counts: true (private counts)}.
   */
  apply(name, data) {
    const touched = { notes: [], removed: [], board: false, totals: [], counts: false };
    switch (name) {
      case "note:added":
      case "note:edited":
        if (this.upsert(data.note)) touched.notes.push(data.note.id);
        break;
      case "note:moved":
        this.upsert(data.note, true);
        this.renumber(data.order);
        if (data.left) this.renumber(data.left.order);
        touched.notes.push(data.note.id, ...data.order, ...(data.left ? data.left.order : []));
        break;
      case "note:deleted":
        if (this.notes.delete(data.note)) touched.removed.push(data.note);
        break;
      case "note:purged":
        for (const id of data.notes) if (this.notes.delete(id)) touched.removed.push(id);
        break;
      case "board:columns":
        this.columns = [...data.columns].sort((a, b) => a.position - b.position);
        touched.board = true;
        break;
      case "board:workshop":
        this.workshop = data.workshop;
        touched.board = true;
        break;
      case "board:state":
        this.state = data.state;
        touched.board = true;
        break;
      case "board:counts":
        this.counts = data.counts; // column badges only: no note changes
        touched.counts = true;
        break;
      case "board:groups":
        this.setGroups(data.groups);
        for (const p of data.notes) {
          const note = this.notes.get(p.id);
          if (note) Object.assign(note, { column: p.column, group: p.group, position: p.position });
        }
        touched.board = true;
        break;
      case "board:vote": {
        const same = this.vote && this.vote.id === data.vote.id;
        const mine = same ? this.vote.mine : { left: data.vote.budget, dots: {} };
        this.vote = { ...data.vote, mine, ...(same ? this.newerTotals(data.vote) : {}) };
        touched.board = true;
        break;
      }
      case "board:tally":
        // Totals only (opening, closing, revealing come as board:vote); the latest read wins.
        // Only the totals that moved are touched: a screen redraws those, not the board.
        if (this.vote && this.vote.id === data.vote.id && (data.vote.at || 0) >= (this.vote.at || 0)) {
          const { cast, voters, results, at } = data.vote;
          const before = this.vote.results;
          this.vote = { ...this.vote, cast, voters, at, results: results ?? this.vote.results };
          touched.totals = changedTotals(before, this.vote.results);
        }
        break;
      case "board:actions":
        this.actions = data.actions;
        touched.board = true;
        break;
      default:
        break;
    }
    return touched;
  }

  /** The totals this screen holds, when they were read after those of `vote` (a tally that
   * overtook a board:vote on the way); nothing otherwise. */
  newerTotals(vote) {
    if ((this.vote.at || 0) <= (vote.at || 0)) return {};
    const { cast, voters, at } = this.vote;
    return { cast, voters, at, results: vote.results ?? this.vote.results };
  }

  /** The container a note is shown in: its group, if that group is in the note's column. */
  containerOf(note) {
    const group = note.group && this.groups.get(note.group);
    return containerKey(note.column, group && group.column === note.column ? note.group : 0);
  }

  /** Every container's note ids, in the order they are shown (position, then id). */
  containers() {
    const found = new Map();
    for (const note of this.notes.values()) {
      const key = this.containerOf(note);
      if (!found.has(key)) found.set(key, []);
      found.get(key).push(note);
    }
    const ordered = {};
    for (const [key, notes] of found) {
      ordered[key] = notes.sort((a, b) => a.position - b.position || a.id - b.id).map((n) => n.id);
    }
    return ordered;
  }
}
