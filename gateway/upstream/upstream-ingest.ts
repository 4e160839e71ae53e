/**
 * The central side of the upstream link, a small bridge rather than a full gateway: it subscribes to
 * every site's readings on the central broker (QoS 1, persistent session) and writes them to the central
 * InfluxDB 1.x as line protocol. The PUBACK of a message is sent only after InfluxDB stored its readings,
 * so a bridge or InfluxDB outage delays readings but loses none: mqtt.js 5 reads the next message only after
 * the acknowledgement of the current one (its README documents overriding `handleMessage`).
 */
import { EventEmitter } from 'node:events';
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import { ensureInfluxDatabase } from '../outputs/influx-database.js';
import { InfluxHttpClient } from '../outputs/influx-http.js';
import { parseInfluxUrl } from '../outputs/influx-url.js';
import { toLine } from '../outputs/line-protocol.js';
import { decodeBatch, UpstreamMessageError } from './upstream-message.js';

/** Options of `UpstreamIngest`. */
export interface UpstreamIngestOptions {
  /** Central broker URL. */
  broker_url: string;
  /** Client id of the bridge's persistent session. Default `coldpool-upstream-ingest`. */
  client_id?: string;
  /** Topic prefix the sites publish under. Default `coldpool/upstream`. */
  topic_prefix?: string;
  /** Central InfluxDB, `http://host:8086/database`; the database is created when missing. */
  influx_url: string;
  /** Time to wait for a write response, in milliseconds. Default 10000. */
  timeout_ms?: number;
  /** Wait before writing a failed batch again, in milliseconds. Default 1000. */
  retry_ms?: number;
}

/** Counters since start. */
export interface UpstreamIngestStats {
  messages: number;
  /** Readings InfluxDB stored. */
  written: number;
  /** Messages that could not be decoded, skipped. */
  invalid_messages: number;
  /** Readings left out because no valid line could be built, or InfluxDB rejected them for good. */
  rejected: number;
  /** Failed write attempts that were retried. */
  write_errors: number;
}

/** Events: `invalid` ({ topic, error }), `write_error` ({ error, attempt }), `error` (MQTT client Error). */
export class UpstreamIngest extends EventEmitter {
  private client: MqttClient | undefined;
  private readonly http: InfluxHttpClient;
  private readonly target: ReturnType<typeof parseInfluxUrl>;
  private readonly counters: UpstreamIngestStats = {
    messages: 0,
    written: 0,
    invalid_messages: 0,
    rejected: 0,
    write_errors: 0,
  };
  private stopping = false;

  constructor(private readonly options: UpstreamIngestOptions) {
    super();
    this.target = parseInfluxUrl(options.influx_url);
    this.http = new InfluxHttpClient(this.target, options.timeout_ms ?? 10_000);
  }

  /** Creates the database, connects and subscribes; resolves once the subscription is acknowledged. */
  async start(): Promise<void> {
    await ensureInfluxDatabase(this.target, this.options.timeout_ms ?? 10_000);
    const client = connect(this.options.broker_url, {
      clientId: this.options.client_id ?? 'coldpool-upstream-ingest',
      protocolVersion: 4,
      clean: false,
      reconnectPeriod: 1000,
    });
    client.handleMessage = (packet, callback) => {
      this.store(packet as IPublishPacket).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    };
    client.on('error', (error) => {
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
    this.client = client;
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await client.subscribeAsync(`${this.options.topic_prefix ?? 'coldpool/upstream'}/+/+/readings`, { qos: 1 });
  }

  /** Closes the client after the message being written; unacknowledged messages stay with the broker. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.endAsync(true);
    this.http.close();
  }

  stats(): UpstreamIngestStats {
    return { ...this.counters };
  }

  private async store(packet: IPublishPacket): Promise<void> {
    this.counters.messages += 1;
    let lines: string[];
    try {
      lines = this.linesOf(packet.payload as Buffer);
    } catch (error) {
      if (!(error instanceof UpstreamMessageError)) throw error;
      this.counters.invalid_messages += 1;
      this.emit('invalid', { topic: packet.topic, error });
      return;
    }
    if (lines.length > 0) await this.writeUntilStored(lines);
  }

  private linesOf(payload: Buffer): string[] {
    const lines: string[] = [];
    for (const reading of decodeBatch(payload).readings) {
      try {
        const { line } = toLine(reading, 'ms');
        if (line === null) this.counters.rejected += 1;
        else lines.push(line);
      } catch {
        // toLine throws LineProtocolError for a name InfluxDB cannot store; the reading is left out.
        this.counters.rejected += 1;
      }
    }
    return lines;
  }

  /** Writes until InfluxDB returns 204 or rejects the batch for good (4xx); retries otherwise. */
  private async writeUntilStored(lines: string[]): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        const response = await this.http.write(lines.join('\n'), 'ms');
        if (response.status === 204) {
          this.counters.written += lines.length;
          return;
        }
        if (response.status >= 400 && response.status < 500) {
          this.counters.rejected += lines.length;
          this.emit('invalid', {
            topic: '',
            error: new Error(`InfluxDB rejected ${lines.length} lines: ${response.body}`),
          });
          return;
        }
        throw new Error(`InfluxDB write failed with HTTP ${response.status}: ${response.body}`);
      } catch (error) {
        this.counters.write_errors += 1;
        this.emit('write_error', { error, attempt });
        await new Promise((resolve) => setTimeout(resolve, this.options.retry_ms ?? 1000));
      }
    }
    throw new Error('upstream ingest stopped before the batch was stored; the broker sends it again');
  }
}
