// The status line every live screen shows (connected, offline, reconnecting, slowed,
// restarting), for a board or a whole event.
import { t } from "./i18n.js";

/** Handlers of a Link that keep this status line in step with the connection. */
export function statusHandlers(box) {
  return {
    status: (state, waiting) => {
      if (!box) return;
      box.dataset.state = state;
      let text = state === "online" ? t("online") : state === "offline" ? t("offline") : t("reconnecting");
      if (waiting && state !== "online") text += ` (${waiting})`;
      box.textContent = text;
    },
    stopping: () => {
      if (!box) return;
      box.dataset.state = "reconnecting";
      box.textContent = t("server_stopping");
    },
    slowed: (error) => {
      if (!box) return;
      box.dataset.state = "reconnecting";
      box.textContent = error.message || t("too_fast");
    },
    deleted: () => {
      if (!box) return;
      box.dataset.state = "offline";
      box.textContent = t("event_deleted");
    },
  };
}
