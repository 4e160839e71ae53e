/**
 * History from InfluxDB 1.x through its HTTP /query endpoint (InfluxDB 1.x docs, "Query data with the
 * InfluxDB API"). Buckets use InfluxQL `GROUP BY time()`, so only the aggregates cross the network.
 */
import { fetchFailureCause, isFetchTimeout } from '../../outputs/fetch-failure.js';
import { parseInfluxUrl, serverUrl } from '../../outputs/influx-url.js';
import type { FieldValue } from '../../reading.js';
import type { Bucket, HistoryRequest, HistorySource, RawPoint, Series } from './history-source.js';

/** Error of a failed history query, with the InfluxDB message. */
export class HistoryQueryError extends Error {
  readonly code = 'HISTORY_QUERY_FAILED';
}

export interface InfluxHistoryOptions {
  /** `http(s)://[user:password@]host[:port][/prefix]/database`, as in `outputs.influx.url`. */
  url: string;
  username?: string;
  password?: string;
  /** Time limit of one query, in milliseconds. Default 10000. */
  timeout_ms?: number;
  /** Config key that sets `timeout_ms`, named in the timeout error. Default none. */
  timeout_key?: string;
}

interface InfluxSeries {
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** Quotes an identifier in double quotes, with `"` and `\` escaped (InfluxQL reference, "Quotation"). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** Quotes a string literal in single quotes, with `'` and `\` escaped (InfluxQL reference, "Quotation"). */
export function quoteString(text: string): string {
  return `'${text.replace(/['\\]/g, (character) => `\\${character}`)}'`;
}

function whereClause(request: HistoryRequest): string {
  const from = Math.trunc(request.from_ms);
  const to = Math.trunc(request.to_ms);
  const tags = `"site" = ${quoteString(request.site)} AND "device" = ${quoteString(request.device)}`;
  return `WHERE ${tags} AND time >= ${from}ms AND time <= ${to}ms`;
}

export class InfluxHistory implements HistorySource {
  readonly name = 'influx';
  private readonly queryUrl: string;
  private readonly database: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly timeoutKey: string | undefined;

  constructor(options: InfluxHistoryOptions) {
    const target = parseInfluxUrl(options.url, options.username, options.password);
    this.queryUrl = `${serverUrl(target)}/query`;
    this.database = target.database;
    this.authorization =
      target.username !== undefined
        ? `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`
        : undefined;
    this.timeoutMs = options.timeout_ms ?? 10_000;
    this.timeoutKey = options.timeout_key;
  }

  async raw(request: HistoryRequest, limit: number): Promise<Array<Series<RawPoint>>> {
    const field = quoteIdentifier(request.field);
    const q = `SELECT ${field} FROM ${quoteIdentifier(request.measurement)} ${whereClause(request)} GROUP BY * ORDER BY time ASC LIMIT ${Math.trunc(limit)}`;
    return (await this.query(q)).map((series) => ({
      tags: series.tags ?? {},
      points: series.values
        .filter((row) => row[1] !== null)
        .map((row) => ({ time_ms: Number(row[0]), value: row[1] as FieldValue })),
    }));
  }

  async buckets(request: HistoryRequest, bucketMs: number): Promise<Array<Series<Bucket>>> {
    const field = quoteIdentifier(request.field);
    const q =
      `SELECT min(${field}), mean(${field}), max(${field}), count(${field}) FROM ${quoteIdentifier(request.measurement)} ` +
      `${whereClause(request)} GROUP BY time(${Math.trunc(bucketMs)}ms), * fill(none)`;
    return (await this.query(q)).map((series) => ({
      tags: series.tags ?? {},
      points: series.values.map((row) => ({
        time_ms: Number(row[0]),
        min: Number(row[1]),
        mean: Number(row[2]),
        max: Number(row[3]),
        count: Number(row[4]),
      })),
    }));
  }

  /** Describes a query that got no HTTP reply: the timeout or the network cause, and what to check. */
  private fetchFailureMessage(error: unknown): string {
    if (isFetchTimeout(error)) {
      const setting = this.timeoutKey === undefined ? '' : ` (${this.timeoutKey})`;
      return (
        `InfluxDB query to ${this.queryUrl} timed out after ${this.timeoutMs} ms${setting}; ` +
        'check that influxd at that URL is running and not overloaded, or raise the timeout'
      );
    }
    return (
      `InfluxDB query to ${this.queryUrl} failed: ${fetchFailureCause(error)}; ` +
      'check that influxd is running and listens at that URL'
    );
  }

  /** Runs one SELECT with millisecond epochs and returns the series of its single statement. */
  private async query(q: string): Promise<InfluxSeries[]> {
    const params = new URLSearchParams({ db: this.database, q, epoch: 'ms' });
    let response: Response;
    try {
      response = await fetch(`${this.queryUrl}?${params.toString()}`, {
        headers: this.authorization ? { authorization: this.authorization } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new HistoryQueryError(this.fetchFailureMessage(error));
    }
    const text = await response.text();
    if (!response.ok) throw new HistoryQueryError(`InfluxDB returned HTTP ${response.status}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { results?: Array<{ error?: string; series?: InfluxSeries[] }> };
    const result = body.results?.[0];
    if (result?.error) throw new HistoryQueryError(`InfluxDB rejected the query: ${result.error}`);
    return result?.series ?? [];
  }
}
