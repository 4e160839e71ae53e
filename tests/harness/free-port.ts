import { createServer } from 'node:net';

/**
 * Finds a TCP port that is free on 127.0.0.1 by listening on port 0 and closing again. Another process
 * can take the port between this call and the caller's own listen, so start the server soon after.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`listen on 127.0.0.1:0 returned no TCP port (${String(address)})`));
        return;
      }
      server.close((error) => (error ? reject(error) : resolve(address.port)));
    });
  });
}
