/**
 * Leader election through one Redis key, so that a single gateway process runs the county's scheduler.
 * A node becomes leader with `SET key token NX PX lease_ms` and renews the lease every `renew_ms` with a
 * script that extends it only while the key still holds its own token. A leader that dies stops
 * renewing, the key expires, and a follower takes over within `lease_ms + renew_ms`. A leader that cannot
 * renew steps down before its lease can have expired, so two nodes never both believe they lead, as long
 * as the clocks of the nodes run at the same rate (Redis "Distributed locks" pattern, single instance).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/** Options of `LeaderElection`. */
export interface LeaderElectionOptions {
  /** Redis URL, `redis://host:port/db`. */
  redis_url: string;
  /** Name of this node; the token is `<node_id>:<random>`, so `GET key` shows who leads. */
  node_id: string;
  /** Key of the lease, one per elected role. */
  key: string;
  /** Lease time in milliseconds. */
  lease_ms: number;
  /** Interval between renewals or acquisition attempts, in milliseconds; at most half of `lease_ms`. */
  renew_ms: number;
}

/** Events: `elected` (term), `deposed` (reason), `error` (Error from Redis; the election keeps trying). */
export interface LeaderElectionEvents {
  elected: [term: number];
  deposed: [reason: string];
  error: [Error];
}

/** Extends the lease only if the key still holds this node's token. Returns 1 when extended. */
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the key only if it still contains this node's token. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export class LeaderElection extends EventEmitter<LeaderElectionEvents> {
  readonly token: string;
  private readonly redis: Redis;
  private timer: NodeJS.Timeout | undefined;
  private leader = false;
  private currentTerm = 0;
  /** Local time of the last successful acquisition or renewal, for stepping down before the lease ends. */
  private lastConfirmedMs = 0;
  private stopped = false;

  constructor(private readonly options: LeaderElectionOptions) {
    super();
    if (options.renew_ms * 2 > options.lease_ms) {
      throw new RangeError(`renew_ms ${options.renew_ms} must be at most half of lease_ms ${options.lease_ms}`);
    }
    this.token = `${options.node_id}:${randomBytes(8).toString('hex')}`;
    // Commands fail fast while Redis is down instead of queueing, so a lost lease is noticed in time.
    this.redis = new Redis(options.redis_url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    this.redis.on('error', (error: Error) => this.emitError(error));
  }

  /** True while this node holds the lease. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Fencing term: increases by one at every election, so work stamped with an older term can be refused. */
  get term(): number {
    return this.currentTerm;
  }

  /** Connects and makes the first attempt; resolves once that attempt has finished, leader or not. */
  async start(): Promise<void> {
    await this.redis.connect();
    await this.tick();
  }

  /** Stops campaigning and, when leader, deletes the key so a follower takes over at its next attempt. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.leader) {
      this.stepDown('stopped');
      try {
        await this.redis.eval(RELEASE_SCRIPT, 1, this.options.key, this.token);
      } catch (error) {
        this.emitError(error as Error);
      }
    }
    this.redis.disconnect();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.leader) await this.renew();
      else await this.acquire();
    } catch (error) {
      this.emitError(error as Error);
      // A leader that cannot reach Redis must stop before the lease can have expired elsewhere.
      if (this.leader && Date.now() - this.lastConfirmedMs + this.options.renew_ms >= this.options.lease_ms) {
        this.stepDown(`lease not renewed for ${Date.now() - this.lastConfirmedMs} ms: ${(error as Error).message}`);
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.options.renew_ms);
  }

  private async acquire(): Promise<void> {
    const started = Date.now();
    const result = await this.redis.set(this.options.key, this.token, 'PX', this.options.lease_ms, 'NX');
    if (result !== 'OK' || this.stopped) return;
    this.currentTerm = await this.redis.incr(`${this.options.key}:term`);
    this.lastConfirmedMs = started;
    this.leader = true;
    this.emit('elected', this.currentTerm);
  }

  private async renew(): Promise<void> {
    const started = Date.now();
    const extended = await this.redis.eval(RENEW_SCRIPT, 1, this.options.key, this.token, this.options.lease_ms);
    if (extended === 1) {
      this.lastConfirmedMs = started;
      return;
    }
    this.stepDown('the lease expired and another node took it');
  }

  private stepDown(reason: string): void {
    if (!this.leader) return;
    this.leader = false;
    this.emit('deposed', reason);
  }

  private emitError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
