/**
 * Serves the dashboard: the static files of gateway/web/public at / and uPlot's browser build from
 * node_modules at /vendor/, so the page needs no internet access.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { VENDOR_FILE_ROUTE } from './dashboard-routes.js';

/** Directory of the dashboard files: next to this module in the source tree, or back from dist/ once built. */
export function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'public'), join(here, '..', '..', '..', 'gateway', 'web', 'public')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (!found) throw new Error(`dashboard files not found in ${candidates.join(' or ')}; reinstall coldpool`);
  return found;
}

/** uPlot 1.6 files the page loads, by the name it requests them under. */
const VENDOR_FILES: Record<string, { path: string; type: string }> = {
  'uPlot.iife.min.js': { path: 'uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { path: 'uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};

export async function registerDashboard(app: FastifyInstance): Promise<void> {
  const require = createRequire(import.meta.url);
  const vendor = new Map<string, { body: Buffer; type: string }>();
  for (const [name, { path, type }] of Object.entries(VENDOR_FILES)) {
    vendor.set(name, { body: await readFile(require.resolve(path)), type });
  }
  app.get<{ Params: { file: string } }>(VENDOR_FILE_ROUTE, { schema: { hide: true } }, async (request, reply) => {
    const file = vendor.get(request.params.file);
    if (!file) return reply.callNotFound();
    return reply.header('content-type', file.type).header('cache-control', 'public, max-age=86400').send(file.body);
  });
  await app.register(fastifyStatic, { root: publicDir(), prefix: '/', index: ['index.html'], wildcard: true });
}
