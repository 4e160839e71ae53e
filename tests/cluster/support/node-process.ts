/**
 * A cluster node in its own process, for the cluster integration test. The parent sends
 * `{ type: 'start', ... }`; the node replies `started`, and while it leads it sends
 * `{ type: 'leader_tick', node_id, term }` every 200 ms in place of scheduler runs.
 */
import pino from 'pino';
import { parseClusterConfig } from '../../../gateway/cluster/cluster-config.js';
import { ClusterNode } from '../../../gateway/cluster/cluster-node.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { upstreamConfigSchema } from '../../../gateway/upstream/upstream-config.js';

/** Start message from the test. */
export interface NodeStart {
  type: 'start';
  node_id: string;
  redis_url: string;
  broker_port: number;
  upstream_url: string;
  data_dir: string;
  /** Topic filter of this node's devices, with the device id at level 2. */
  topic: string;
}

const TICK_MS = 200;
let node: ClusterNode | undefined;
let ticker: NodeJS.Timeout | undefined;

async function start(message: NodeStart): Promise<void> {
  const resolved = validateConfig({
    site: 'county-a',
    mqtt: {
      broker: { enabled: false },
      republish: { enabled: false },
      subscriptions: [{ topic: message.topic, device_id_segment: 2, profile: 'coldpool-room-celsius' }],
    },
  });
  node = await ClusterNode.start({
    resolved,
    cluster: parseClusterConfig({
      redis_url: message.redis_url,
      node_id: message.node_id,
      lease_ms: 2000,
      renew_ms: 500,
    }),
    upstream: upstreamConfigSchema.parse({ url: message.upstream_url, topic_prefix: 'county/upstream' }),
    data_dir: message.data_dir,
    broker_port: message.broker_port,
    log: pino({ level: 'warn' }, pino.destination(2)),
    leader_task: {
      start(term) {
        ticker = setInterval(() => process.send?.({ type: 'leader_tick', node_id: message.node_id, term }), TICK_MS);
      },
      stop() {
        clearInterval(ticker);
      },
    },
  });
  process.send?.({ type: 'started', node_id: message.node_id });
}

process.once('disconnect', () => process.exit(1));
process.once('SIGTERM', () => {
  clearInterval(ticker);
  (node?.stop() ?? Promise.resolve()).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.once('message', (message: NodeStart) => {
  start(message).catch((error: Error) => {
    process.stderr.write(`cluster node ${message.node_id} failed to start: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
});
