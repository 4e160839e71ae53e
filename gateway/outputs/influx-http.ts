/**
 * HTTP transport for InfluxDB 1.x /write. Writes go through Node's http/https with a keep-alive agent,
 * not through the npm `influx` package's pool. That pool is a private field of `InfluxDB`, and it
 * retries and disables hosts on its own. It also drops the status code of a 5xx response, which the
 * retry policy of `InfluxOutput` needs.
 */
import http from 'node:http';
import https from 'node:https';
import type { InfluxTarget } from './influx-url.js';
import type { TimePrecision } from './line-protocol.js';
import { InfluxWriteError } from './output-errors.js';

/** Status and body of an HTTP response to /write. */
export interface WriteResponse {
  status: number;
  body: string;
}

/** Sends line-protocol bodies to one InfluxDB 1.x database over a keep-alive connection. */
export class InfluxHttpClient {
  private readonly agent: http.Agent;
  private readonly authorization: string | undefined;

  constructor(
    private readonly target: InfluxTarget,
    /** Time to wait for the whole response, in milliseconds. */
    private readonly timeout_ms: number,
  ) {
    const agentOptions = { keepAlive: true, maxSockets: 4 };
    this.agent = target.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    if (target.username !== undefined) {
      const credentials = `${target.username}:${target.password ?? ''}`;
      this.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    }
  }

  /**
   * POSTs `body` to /write?db=<database>&precision=<precision>. Resolves with any HTTP response; rejects
   * with `InfluxWriteError` (`INFLUX_UNREACHABLE` or `INFLUX_TIMEOUT`) when no response arrives.
   */
  write(body: string, precision: TimePrecision): Promise<WriteResponse> {
    const query = new URLSearchParams({ db: this.target.database, precision });
    const payload = Buffer.from(body, 'utf8');
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': payload.length,
    };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    const requestOptions: http.RequestOptions = {
      agent: this.agent,
      host: this.target.host,
      port: this.target.port,
      method: 'POST',
      path: `${this.target.base_path}/write?${query.toString()}`,
      headers,
    };
    const send = this.target.protocol === 'https:' ? https.request : http.request;

    return new Promise((resolve, reject) => {
      const request = send(requestOptions, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', (error) => reject(this.networkError(error)));
      });
      request.setTimeout(this.timeout_ms, () => {
        request.destroy(
          new InfluxWriteError(
            'INFLUX_TIMEOUT',
            `InfluxDB ${this.target.display_url} did not respond to a write within ${this.timeout_ms} ms`,
          ),
        );
      });
      request.on('error', (error) => reject(this.networkError(error)));
      request.end(payload);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private networkError(error: Error): InfluxWriteError {
    if (error instanceof InfluxWriteError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    return new InfluxWriteError(
      'INFLUX_UNREACHABLE',
      `write to InfluxDB ${this.target.display_url} failed: ${code} ${error.message}; check that influxd is running and reachable`,
    );
  }
}
