/**
 * HTTP roles and the role each API route needs: `viewer` reads, `operator` also acknowledges, comments on
 * and closes alarms and submits orders and plans, `admin` also changes configuration and device setpoints.
 */
import { HTTP_ROLES, type HttpRole } from './security-config.js';

/** A route that needs a role above the default of its method. */
export interface RouteRole {
  method: string;
  /** Route pattern as registered in fastify, such as `/api/v1/alarms/:id/acknowledge`. */
  url: string;
  role: HttpRole;
}

/** Roles of the gateway API's state-changing routes below admin. Other GET and HEAD routes need viewer. */
export const API_ROUTE_ROLES: readonly RouteRole[] = [
  { method: 'POST', url: '/api/v1/alarms/:id/acknowledge', role: 'operator' },
  { method: 'POST', url: '/api/v1/alarms/:id/comment', role: 'operator' },
  { method: 'POST', url: '/api/v1/alarms/:id/close', role: 'operator' },
  { method: 'POST', url: '/api/v1/orders', role: 'operator' },
  { method: 'POST', url: '/api/v1/orders/:id/delivered', role: 'operator' },
  { method: 'POST', url: '/api/v1/plans', role: 'operator' },
];

/** Returns true when `role` has at least the rights of `required`. */
export function roleAllows(role: HttpRole, required: HttpRole): boolean {
  return HTTP_ROLES.indexOf(role) >= HTTP_ROLES.indexOf(required);
}

/** Methods that do not change state (RFC 9110 section 9.2.1, safe methods). */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * Returns the role a request needs: the route's entry in `table`, else viewer for a safe method and
 * admin for any other, so a new state-changing route is closed until someone grants it.
 */
export function requiredRole(method: string, routeUrl: string | undefined, table: readonly RouteRole[]): HttpRole {
  const entry = table.find((each) => each.method === method && each.url === routeUrl);
  if (entry !== undefined) return entry.role;
  return isSafeMethod(method) ? 'viewer' : 'admin';
}
