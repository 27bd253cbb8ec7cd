// Laying a projector's content into pages that fit the screen at a readable size.
// Nothing is shrunk and nothing is cut: blocks (a column's notes, a group and its notes,
// ranking rows) flow in order into slots of the stage's height, a slot per column of the
// stage; a block that does not fit moves to the next slot, which repeats its heading with
// "(suite)". The slots, taken a page's worth at a time, are the pages.
/**
 * A slot being filled, in the measuring box: it knows whether what it holds still fits.
 * height: the slot's height in px.
 */
class Slot {
  constructor(box, node, height) {
    this.node = node;
    this.items = 0;
    this.height = height;
    node.style.height = `${height}px`;
    box.append(node);
  }

  fits() {
    return this.node.scrollHeight <= this.node.clientHeight + 1;
  }
}

/**
 * Flow sections into slots.
 * sections: [{ open(continued) -> { node, into, groups? }, items: [Element],
 *   groups?: [{ open(continued) -> { node, list }, items: [Element] }] }]
 *   (a board's column: its groups, each a heading and notes, then its loose notes; a panel:
 *   its rows as items). A section's open() makes a slot's frame: into is where loose items
 *   go, groups where a group's block goes.
 * heights(i) -> the height of the i-th slot (the last of a page is shorter: the QR corner).
 * Returns the slot elements, in order (`.overflow`: one of them holds more than it shows).
 */
export function flow(box, sections, heights) {
  const slots = [];
  let slot = null;
  let frame = null;

  function start(section, continued) {
    frame = section.open(continued);
    slot = new Slot(box, frame.node, heights(slots.length));
    slots.push(slot.node);
  }

  /** Put one element where `parent()` says; when it does not fit and the slot already holds
   * something (or the next slot is taller: a long note skips the short one above the QR
   * corner), start the next slot (`reopen` rebuilds the parent there) and put it there. */
  function put(node, parent, reopen) {
    parent().append(node);
    if (slot.fits() || (slot.items === 0 && heights(slots.length) <= slot.height)) {
      slot.items += 1;
      return;
    }
    node.remove();
    reopen();
    parent().append(node);
    slot.items += 1;
  }

  for (const section of sections) {
    start(section, false);
    for (const group of section.groups || []) {
      let holder = null;
      const openGroup = (continued) => {
        holder = group.open(continued);
        frame.groups.append(holder.node);
      };
      openGroup(false);
      if (!slot.fits() && slot.items) {
        holder.node.remove();
        start(section, true);
        openGroup(false);
      }
      slot.items += 1;
      for (const item of group.items) {
        put(item, () => holder.list, () => {
          if (!holder.list.children.length) holder.node.remove();
          start(section, true);
          openGroup(true);
        });
      }
    }
    for (const item of section.items) put(item, () => frame.into, () => start(section, true));
  }
  // A block taller than a whole slot (a 500-character note in a narrow column) overflows it:
  // say so, and the caller lays the page out again with fewer, wider slots.
  slots.overflow = slots.some((node) => node.scrollHeight > node.clientHeight + 1);
  for (const node of slots) node.remove();
  return slots;
}

/** How many slots of at least `min` px fit side by side in `width` (gap between them). */
export function slotsAcross(width, min, gap) {
  return Math.max(1, Math.floor((width + gap) / (min + gap)));
}

/** A pager: shows one page of slots at a time, turns them every `seconds` (0: stays). */
export class Pager {
  constructor(stage, counter, pausedLabel = "") {
    this.stage = stage;
    this.counter = counter;
    this.pausedLabel = pausedLabel;
    this.pages = [];
    this.index = 0;
    this.seconds = 15;
    this.timer = null;
  }

  /** New pages; `jump` (a page index) shows that page now, e.g. results just revealed. */
  set(pages, perPage, jump = null) {
    this.pages = pages;
    this.stage.style.setProperty("--per-page", String(perPage));
    if (jump !== null) {
      this.index = jump;
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.index >= pages.length) this.index = 0;
    this.show();
  }

  pace(seconds) {
    if (seconds === this.seconds) return;
    this.seconds = seconds;
    this.schedule();
    this.show();
  }

  show() {
    this.stage.replaceChildren(...(this.pages[this.index] || []));
    const many = this.pages.length > 1;
    this.counter.hidden = !many;
    const paused = many && !this.seconds && this.pausedLabel ? ` · ${this.pausedLabel}` : "";
    this.counter.textContent = many ? `${this.index + 1} / ${this.pages.length}${paused}` : "";
    if (!this.timer) this.schedule(); // a redraw does not hold back the next turn
  }

  turn(step = 1) {
    if (this.pages.length < 2) return;
    this.index = (this.index + step + this.pages.length) % this.pages.length;
    clearTimeout(this.timer);
    this.timer = null;
    this.show();
  }

  /** No more turning (the pager's screen is gone). */
  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    this.pages = [];
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.pages.length > 1 && this.seconds > 0) this.timer = setTimeout(() => this.turn(), this.seconds * 1000);
  }
}
