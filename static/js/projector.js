// The projector: the board, live, large, with no controls. When the notes no longer
// fit the screen, the type shrinks step by step (never below half size), so the whole
// board stays readable without anyone scrolling.
import { startBoard } from "./board_screen.js";

const root = document.documentElement;
const MIN_SCALE = 0.5;
let scale = 1;

function fit() {
  // Grow back first, then shrink until the page fits the screen.
  scale = 1;
  root.style.setProperty("--note-scale", String(scale));
  while (root.scrollHeight > window.innerHeight + 2 && scale > MIN_SCALE) {
    scale = Math.round((scale - 0.05) * 100) / 100;
    root.style.setProperty("--note-scale", String(scale));
  }
}

startBoard("projector", { loaded: fit, changed: fit });
window.addEventListener("resize", fit);
