/**
 * Runs one task, such as the planner, only on the cluster node that holds the lease of
 * `cluster.leader_key`. Starts and stops of the task run one after another in the order the election
 * reported them, so a quick loss and regain of the lease never runs two copies of the task.
 */
import type { Logger } from 'pino';
import type { ClusterConfig } from './cluster-config.js';
import { LeaderElection } from './leader-election.js';

/** Work that runs only on the elected node. */
export interface LeaderTask {
  /** Name in log lines, such as `planner`. */
  readonly name: string;
  /** Starts the work when this node becomes leader; `term` increases at every election. */
  start(term: number): Promise<void>;
  /** Stops the work when this node loses or gives up the lease. */
  stop(reason: string): Promise<void>;
}

export class Leadership {
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    readonly election: LeaderElection,
    private readonly task: LeaderTask,
    private readonly log: Logger,
  ) {
    election.on('elected', (term) => this.enqueue('start', term));
    election.on('deposed', (reason) => this.enqueue('stop', reason));
    election.on('error', (error) => log.warn({ err: error.message }, 'leader election redis error; retrying'));
  }

  /** Connects to Redis and makes the first attempt; resolves once that attempt finished, leader or not. */
  static async start(cluster: ClusterConfig, task: LeaderTask, log: Logger): Promise<Leadership> {
    const election = new LeaderElection({
      redis_url: cluster.redis_url,
      node_id: cluster.node_id,
      key: cluster.leader_key,
      lease_ms: cluster.lease_ms,
      renew_ms: cluster.renew_ms,
    });
    const leadership = new Leadership(election, task, log);
    await election.start();
    log.info(
      { node_id: cluster.node_id, leader_key: cluster.leader_key, leader: election.isLeader },
      'leader election started',
    );
    return leadership;
  }

  /** Gives up the lease (a follower takes over at its next attempt) and waits until the task stopped. */
  async stop(): Promise<void> {
    await this.election.stop();
    await this.chain;
  }

  private enqueue(action: 'start', term: number): void;
  private enqueue(action: 'stop', reason: string): void;
  private enqueue(action: 'start' | 'stop', detail: number | string): void {
    const node_id = this.election.token.split(':')[0];
    const task = this.task.name;
    this.chain = this.chain.then(async () => {
      try {
        if (action === 'start') {
          this.log.info({ node_id, term: detail, task }, 'elected leader; starting the leader task');
          await this.task.start(detail as number);
        } else {
          this.log.warn({ node_id, reason: detail, task }, 'no longer leader; stopping the leader task');
          await this.task.stop(detail as string);
        }
      } catch (error) {
        this.log.error({ node_id, task, err: (error as Error).message }, `leader task failed to ${action}`);
      }
    });
  }
}
