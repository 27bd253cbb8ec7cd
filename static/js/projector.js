// The projector: the board, live, large, with no controls.
import { startBoard } from "./board_screen.js";

startBoard("projector");
