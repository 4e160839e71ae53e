/**
 * One edge gateway process of a cluster. It runs a node of the Redis-backed broker cluster, an MQTT
 * input on that node, the normalising pipeline, a durable queue and the upstream output to the central
 * broker. A leader election makes one process of the county run the scheduler. Data path:
 * device → any broker node → this node's input (PUBACK after commit) → queue → central broker (flush
 * waits for its PUBACKs) → queue acknowledgement. Every hop acknowledges only what the next one stored,
 * so killing a node loses no reading: the broker cluster keeps its session's messages in Redis and its
 * queue file keeps the rest until it restarts with the same `node_id` and `data_dir`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/resolve.js';
import { OutputSink } from '../outputs/output-sink.js';
import { normaliseSample } from '../pipeline/normalise-sample.js';
import { DurableQueue } from '../queue/durable-queue.js';
import { QueueConsumer } from '../queue/queue-consumer.js';
import type { Reading } from '../reading.js';
import type { UpstreamConfig } from '../upstream/upstream-config.js';
import { UpstreamOutput } from '../upstream/upstream-output.js';
import type { ClusterConfig } from './cluster-config.js';
import { ClusterInput } from './cluster-input.js';
import { type ClusteredBroker, startClusteredBroker } from './clustered-broker.js';
import { LeaderElection } from './leader-election.js';

/** Work that runs only on the elected node, such as the county's scheduler. */
export interface LeaderTask {
  /** Called when this node becomes leader; `term` increases at every election. */
  start(term: number): void;
  /** Called when this node loses or gives up the lease; must stop the work at once. */
  stop(reason: string): void;
}

/** Options of `ClusterNode.start`. */
export interface ClusterNodeOptions {
  /** Validated gateway config; its MQTT devices and subscriptions feed the input. */
  resolved: ResolvedConfig;
  cluster: ClusterConfig;
  upstream: UpstreamConfig;
  /** Password of the central broker, already read from `upstream.password_env`. */
  upstream_password?: string;
  /** Folder of this node's queue file; keep it across restarts. */
  data_dir: string;
  /** Listen address of this node's broker. Default `127.0.0.1`. */
  broker_host?: string;
  /** Port of this node's broker; 0 picks a free one. Default 1883. */
  broker_port?: number;
  log: Logger;
  /** Runs while this node is leader. Default none. */
  leader_task?: LeaderTask;
}

export class ClusterNode {
  private readonly consumer: QueueConsumer;
  private stopped = false;

  private constructor(
    readonly broker: ClusteredBroker,
    readonly queue: DurableQueue,
    readonly upstream: UpstreamOutput,
    readonly input: ClusterInput,
    readonly election: LeaderElection,
    private readonly log: Logger,
  ) {
    this.consumer = new QueueConsumer(queue, new OutputSink('upstream', upstream));
    this.consumer.on('failed', (error: Error) =>
      log.warn({ output: 'upstream', err: error.message }, 'upstream delivery failed; the page is sent again'),
    );
  }

  /** Starts broker node, queue and upstream output, input, then the election. */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const { cluster, upstream, resolved, log } = options;
    const site = resolved.config.site;
    mkdirSync(options.data_dir, { recursive: true });
    const broker = await startClusteredBroker({
      redis_url: cluster.redis_url,
      node_id: cluster.node_id,
      host: options.broker_host ?? '127.0.0.1',
      port: options.broker_port ?? 1883,
      max_session_delivery: cluster.max_session_delivery,
    });
    const queue = new DurableQueue({ path: join(options.data_dir, 'queue.db'), outputs: ['upstream'] });
    const output = new UpstreamOutput({
      url: upstream.url,
      client_id: upstream.client_id ?? `coldpool-${site}-${cluster.node_id}`,
      topic_prefix: upstream.topic_prefix,
      site,
      node_id: cluster.node_id,
      max_readings_per_message: upstream.max_readings_per_message,
      ...(upstream.username !== undefined ? { username: upstream.username } : {}),
      ...(options.upstream_password !== undefined ? { password: options.upstream_password } : {}),
    });
    output.on('error', (error: Error) => log.warn({ err: error.message }, 'upstream broker connection error'));
    const skew = resolved.config.max_clock_skew_s * 1000;
    const input = new ClusterInput(resolved, broker.url, `coldpool-${cluster.node_id}`, (samples, done) => {
      const readings: Reading[] = [];
      for (const { sample, identity } of samples) {
        const result = normaliseSample(sample, identity, { max_clock_skew_ms: skew });
        if (result.reading !== undefined) readings.push(result.reading);
      }
      if (readings.length === 0) done();
      else queue.enqueue(readings, done);
    });
    const election = new LeaderElection({
      redis_url: cluster.redis_url,
      node_id: cluster.node_id,
      key: cluster.leader_key,
      lease_ms: cluster.lease_ms,
      renew_ms: cluster.renew_ms,
    });
    const node = new ClusterNode(broker, queue, output, input, election, log);
    await node.consumer.start();
    await input.start();
    node.wireElection(options.leader_task);
    await election.start();
    log.info({ node_id: cluster.node_id, broker_url: broker.url, leader: election.isLeader }, 'cluster node started');
    return node;
  }

  /** Stops in reverse order: election (releasing the lease), input, upstream output, queue, broker node. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.election.stop();
    await this.input.stop();
    this.queue.commit();
    await this.consumer.stop();
    this.queue.close();
    await this.broker.stop();
    this.log.info('cluster node stopped');
  }

  private wireElection(task: LeaderTask | undefined): void {
    this.election.on('elected', (term) => {
      this.log.info({ term }, 'elected leader; starting the leader task');
      task?.start(term);
    });
    this.election.on('deposed', (reason) => {
      this.log.warn({ reason }, 'no longer leader; stopping the leader task');
      task?.stop(reason);
    });
    this.election.on('error', (error) => this.log.warn({ err: error.message }, 'leader election redis error'));
  }
}
