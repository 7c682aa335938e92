import { byId } from "./dom.js";

/**
 * Loading and error states of one panel (a <section> with .panel-meta, .panel-message and
 * .panel-body). data-state is "loading" until the first success, "refreshing" while a later load
 * runs, "ready", or "error" (the last good content stays visible under the message).
 */
export function panel(id) {
  const section = byId(id);
  const message = section.querySelector(".panel-message");
  const meta = section.querySelector(".panel-meta");
  const body = section.querySelector(".panel-body");
  let loaded = false;
  section.dataset.state = "loading";

  return {
    section,
    body,
    /** Runs `load()`, which draws into `body`; a failure shows its message and is rethrown. */
    async run(load) {
      section.dataset.state = loaded ? "refreshing" : "loading";
      if (!loaded) showMessage("Loading…");
      try {
        await load();
        loaded = true;
        section.dataset.state = "ready";
        showMessage("");
      } catch (error) {
        section.dataset.state = "error";
        showMessage(error instanceof Error ? error.message : String(error), "alert");
        throw error;
      }
    },
    /** Shows a problem that did not come from a load (e.g. input that is not JSON). */
    fail(text) {
      section.dataset.state = "error";
      showMessage(text, "alert");
    },
    setMeta(text) {
      if (meta) meta.textContent = text;
    },
  };

  function showMessage(text, role = "status") {
    message.textContent = text;
    message.setAttribute("role", role);
    message.hidden = text === "";
  }
}
