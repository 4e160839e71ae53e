/**
 * Server-sent events (WHATWG HTML, "Server-sent events") for the dashboard: readings, device states,
 * alarms and plans as they happen. Each client has a bounded send buffer: a client that does not read
 * fast enough to keep it under `max_buffer_bytes` is disconnected, so one slow client never grows the
 * gateway's memory. Browsers reconnect by themselves (EventSource) after `retry_ms`, and send the id of
 * the last event they received in `Last-Event-ID`. The feed sends the events a client missed from a
 * bounded history, or a `resync` event when it no longer has them all.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ReplayHistory } from './live-history.js';

export interface LiveFeedOptions {
  /** Bytes queued for one client beyond which it is disconnected. Default 262144 (256 KiB). */
  max_buffer_bytes?: number;
  /** Interval between keep-alive comments, in milliseconds. Default 15000. */
  heartbeat_ms?: number;
  /** Maximum simultaneous clients; more get HTTP 503. Default 50. */
  max_clients?: number;
  /** Reconnect delay the browser is told to use, in milliseconds. Default 3000. */
  retry_ms?: number;
  /** Events kept for clients that reconnect. Default 1000. */
  replay_events?: number;
  /** Bytes of events kept for clients that reconnect. Default 1048576 (1 MiB). */
  replay_bytes?: number;
  /**
   * Time after the last client left during which events are still kept for its reconnect, in
   * milliseconds. Default 60000. With no client for longer, the feed keeps nothing.
   */
  replay_window_ms?: number;
  /** Clock in milliseconds; tests replace it. */
  clock?: () => number;
}

export type LiveEventName =
  | 'reading'
  | 'device_state'
  | 'sensor_fault'
  | 'field_error'
  | 'payload_error'
  | 'alarm'
  | 'plan';

/** Reason a reconnecting client gets a `resync` event instead of the events it missed. */
export type ResyncReason = 'gateway_restarted' | 'events_expired' | 'too_many_missed' | 'invalid_last_event_id';

export interface LiveFeedStats {
  clients: number;
  /** Clients disconnected because their buffer exceeded `max_buffer_bytes`. */
  dropped_clients: number;
  events_sent: number;
}

export class LiveFeed {
  readonly maxClients: number;
  private readonly clients = new Set<ServerResponse>();
  private readonly maxBufferBytes: number;
  private readonly retryMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly counters = { dropped_clients: 0, events_sent: 0 };
  /** Prefix of every event id of this feed, new at each start, so ids of an earlier run are recognised. */
  private readonly streamId = randomBytes(6).toString('hex');
  private sequence = 0;
  private readonly history: ReplayHistory;
  private readonly replayWindowMs: number;
  private readonly clock: () => number;
  /** Time the last client left; events are kept for `replayWindowMs` after it. */
  private lastClientLeftMs = Number.NEGATIVE_INFINITY;

  constructor(options: LiveFeedOptions = {}) {
    this.maxBufferBytes = options.max_buffer_bytes ?? 262_144;
    this.maxClients = options.max_clients ?? 50;
    this.retryMs = options.retry_ms ?? 3000;
    this.history = new ReplayHistory(options.replay_events ?? 1000, options.replay_bytes ?? 1_048_576);
    this.replayWindowMs = options.replay_window_ms ?? 60_000;
    this.clock = options.clock ?? Date.now;
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), options.heartbeat_ms ?? 15_000);
    this.heartbeat.unref();
  }

  /** Whether another client fits under `max_clients`. */
  hasRoom(): boolean {
    return this.clients.size < this.maxClients;
  }

  /**
   * Sends the event-stream headers on `response` and keeps it until the client goes away or is dropped.
   * With `last_event_id`, the id a reconnecting client received last, it first sends the events after
   * that one, or a `resync` event when the feed no longer has them all.
   */
  attach(response: ServerResponse, last_event_id?: string): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${this.retryMs}\n: connected\n\n`);
    if (last_event_id !== undefined && last_event_id !== '') this.replay(response, last_event_id);
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.lastClientLeftMs = this.clock();
    });
  }

  /**
   * Sends one event to every client and keeps it for clients that reconnect. With no client connected
   * and none that left within `replay_window_ms`, it only counts the event, so an unwatched feed costs
   * no encoding per reading.
   */
  publish(event: LiveEventName, data: unknown): void {
    this.sequence += 1;
    if (this.clients.size === 0 && this.clock() - this.lastClientLeftMs > this.replayWindowMs) {
      this.history.skip(this.sequence);
      return;
    }
    const frame = `id: ${this.streamId}-${this.sequence}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    this.history.add(this.sequence, frame);
    if (this.clients.size === 0) return;
    this.broadcast(frame);
    this.counters.events_sent += 1;
  }

  stats(): LiveFeedStats {
    return { clients: this.clients.size, ...this.counters };
  }

  /** Ends every stream and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  /** Sends `response` the kept events after `last_event_id`, or a `resync` event with the reason it cannot. */
  private replay(response: ServerResponse, last_event_id: string): void {
    const match = /^([0-9a-f]+)-([0-9]+)$/.exec(last_event_id.trim());
    let reason: ResyncReason | undefined;
    let frames: string[] = [];
    if (match === null) reason = 'invalid_last_event_id';
    else if (match[1] !== this.streamId) reason = 'gateway_restarted';
    else {
      const missed = this.history.after(Number(match[2]));
      if (missed === undefined) reason = 'events_expired';
      else if (missed.bytes > this.maxBufferBytes) reason = 'too_many_missed';
      else frames = missed.frames;
    }
    if (reason !== undefined) {
      // No id, so that the client's next reconnect still names the last event it really received.
      response.write(`event: resync\ndata: ${JSON.stringify({ reason })}\n\n`);
      return;
    }
    for (const frame of frames) response.write(frame);
  }

  private broadcast(frame: string): void {
    for (const client of this.clients) {
      if (client.writableLength + frame.length > this.maxBufferBytes) {
        this.counters.dropped_clients += 1;
        this.clients.delete(client);
        client.destroy();
        continue;
      }
      client.write(frame);
    }
  }
}
