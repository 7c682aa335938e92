import { byId } from "./dom.js";

/**
 * The admin token: asked for when an API call answers 401 and kept for this browser tab only
 * (sessionStorage), never in localStorage.
 */
const KEY = "do-tail.adminToken";
let pending = null;
let dismissed = false;

export function getToken() {
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Forgets the token if it is still the one that was refused (another call may have replaced it). */
export function dropToken(refused) {
  if (refused === undefined || getToken() === refused) sessionStorage.removeItem(KEY);
}

export class TokenNeeded extends Error {
  constructor() {
    super("this route needs the admin token: use the Token button to enter it");
    this.status = 401;
  }
}

/**
 * Resolves once the user has entered a token. Calls that arrive while the dialog is open share it.
 * After the user cancels, calls fail at once (no dialog every refresh) until `askAgain()`.
 */
export function requestToken(reason) {
  if (dismissed) return Promise.reject(new TokenNeeded());
  pending ??= showDialog(reason).finally(() => {
    pending = null;
  });
  return pending;
}

export function askAgain(reason) {
  dismissed = false;
  return requestToken(reason);
}

function showDialog(reason) {
  const dialog = byId("token-dialog");
  const form = byId("token-form");
  const input = byId("token-input");
  byId("token-reason").textContent = reason;
  input.value = "";
  return new Promise((resolve, reject) => {
    const finish = () => {
      form.removeEventListener("submit", onSubmit);
      dialog.removeEventListener("cancel", onCancel);
      byId("token-cancel").removeEventListener("click", onCancel);
      if (dialog.open) dialog.close();
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (token === "") return;
      sessionStorage.setItem(KEY, token);
      finish();
      resolve(token);
    };
    const onCancel = (event) => {
      event.preventDefault();
      dismissed = true;
      finish();
      reject(new TokenNeeded());
    };
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("cancel", onCancel);
    byId("token-cancel").addEventListener("click", onCancel);
    dialog.showModal();
    input.focus();
  });
}
