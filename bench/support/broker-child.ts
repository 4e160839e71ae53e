/**
 * Runs the gateway's embedded aedes broker alone in a child process, so the broker benchmark can read its
 * RSS and CPU time. Sends `{ type: 'started', port }` once it listens on 127.0.0.1; stops on SIGTERM.
 */
import { startEmbeddedBroker } from '../../gateway/broker/embedded-broker.js';

const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
process.send?.({ type: 'started', port: broker.port });
// A parent that dies without stopping this process closes the IPC channel.
process.once('disconnect', () => process.exit(1));
process.once('SIGTERM', () => {
  broker.stop().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`broker stop failed: ${error.message}\n`);
      process.exit(1);
    },
  );
});
