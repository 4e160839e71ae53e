/**
 * Routes of the dashboard's own files. They contain no data, so a gateway that requires a login serves
 * them without one, and the page then shows its own login form.
 */

/** Route of the uPlot files that the dashboard loads from node_modules. */
export const VENDOR_FILE_ROUTE = '/vendor/:file';

/** The static file routes (`/` and the wildcard of @fastify/static) and the vendor route. */
export const DASHBOARD_ROUTES: readonly string[] = ['/', '/*', VENDOR_FILE_ROUTE];
