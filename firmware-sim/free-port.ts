import { createServer } from 'node:net';

/**
 * Returns a TCP port that was free on `host` a moment ago, by listening on port 0 and closing again.
 * Another process may take it before the caller binds it; callers retry on EADDRINUSE.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
