/**
 * Routes of the dashboard's own files. They hold no data, so a gateway that requires a login serves
 * them without one, and the page then shows its own login form.
 */
export const DASHBOARD_ROUTES: readonly string[] = ['/', '/*', '/vendor/:file'];
