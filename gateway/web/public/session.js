/**
 * The API token of a gateway that requires a login (`http.auth`). It is kept in sessionStorage, so it
 * ends with the browser tab. A 401 reply removes it and makes the page show the login form.
 */

const STORAGE_KEY = 'coldpool.token';
const loginListeners = new Set();

/** Returns the stored token, or undefined before a login. */
export function sessionToken() {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Adds the `Authorization` header of the stored token to `headers`, when there is one. */
export function withToken(headers) {
  const token = sessionToken();
  return token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` };
}

/** Removes the token and calls the listeners, which show the login form. */
export function requireLogin() {
  sessionStorage.removeItem(STORAGE_KEY);
  for (const listener of loginListeners) listener();
}

/** Calls `listener` whenever the gateway requires a login. */
export function onLoginRequired(listener) {
  loginListeners.add(listener);
}

/**
 * Logs in with a user name and password of `http.auth.users`. Resolves with nothing on success, and
 * rejects with the API's error code (`AUTH_LOGIN_FAILED`, `AUTH_LOGIN_RATE_LIMITED`) otherwise.
 */
export async function logIn(username, password) {
  const response = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const data = await response.json().catch(() => undefined);
  if (!response.ok || typeof data?.token !== 'string') {
    throw new Error(data?.error?.code ?? `HTTP ${response.status}`);
  }
  sessionStorage.setItem(STORAGE_KEY, data.token);
}
