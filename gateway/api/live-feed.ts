/**
 * Server-sent events (WHATWG HTML, "Server-sent events") for the dashboard: readings, device states,
 * alarms and plans as they happen. Each client has a bounded send buffer: a client that does not read
 * fast enough to keep it under `max_buffer_bytes` is disconnected, so one slow client never grows the
 * gateway's memory. Browsers reconnect by themselves (EventSource) after `retry_ms`.
 */
import type { ServerResponse } from 'node:http';

export interface LiveFeedOptions {
  /** Bytes queued for one client beyond which it is disconnected. Default 262144 (256 KiB). */
  max_buffer_bytes?: number;
  /** Interval between keep-alive comments, in milliseconds. Default 15000. */
  heartbeat_ms?: number;
  /** Maximum simultaneous clients; more get HTTP 503. Default 50. */
  max_clients?: number;
  /** Reconnect delay the browser is told to use, in milliseconds. Default 3000. */
  retry_ms?: number;
}

export type LiveEventName = 'reading' | 'device_state' | 'sensor_fault' | 'field_error' | 'alarm' | 'plan';

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

  constructor(options: LiveFeedOptions = {}) {
    this.maxBufferBytes = options.max_buffer_bytes ?? 262_144;
    this.maxClients = options.max_clients ?? 50;
    this.retryMs = options.retry_ms ?? 3000;
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), options.heartbeat_ms ?? 15_000);
    this.heartbeat.unref();
  }

  /** Whether another client fits under `max_clients`. */
  hasRoom(): boolean {
    return this.clients.size < this.maxClients;
  }

  /** Sends the event-stream headers on `response` and keeps it until the client goes away or is dropped. */
  attach(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${this.retryMs}\n: connected\n\n`);
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  /** Sends one event to every client. */
  publish(event: LiveEventName, data: unknown): void {
    if (this.clients.size === 0) return;
    this.broadcast(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
