/**
 * Route of the liveness check. It returns only `{ status, time_ms }`, so a gateway that requires a login
 * serves it without one, for the probes of service managers and load balancers.
 */
export const HEALTH_ROUTE = '/api/v1/health';
