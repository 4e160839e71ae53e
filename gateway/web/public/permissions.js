/**
 * The signed-in user's role from `GET /api/v1/session`, so that pages offer only the actions the role
 * may use. The gateway checks every call again, so these checks only shape the page.
 */
import { api } from './api.js';
import { onLoginRequired } from './session.js';

/** Roles in increasing order of rights, as in gateway/security/security-config.ts. */
const ROLES = ['viewer', 'operator', 'admin'];

let session;

/** Resolves with `{ login, user, role }`, fetched once per login. A failed fetch is retried on the next call. */
export function currentSession() {
  if (session === undefined) {
    session = api.session().catch((error) => {
      session = undefined;
      throw error;
    });
  }
  return session;
}

/** Drops the stored session, so the next `currentSession()` fetches the role of a new login. */
export function forgetSession() {
  session = undefined;
}

/** Returns true when `current` may use routes that need `required`. Without a login (role null) every action is allowed. */
export function sessionAllows(current, required) {
  if (current.role === null) return true;
  return ROLES.indexOf(current.role) >= ROLES.indexOf(required);
}

onLoginRequired(forgetSession);
