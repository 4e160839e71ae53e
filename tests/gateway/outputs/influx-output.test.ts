import { describe, expect, it } from 'vitest';
import type { DroppedFieldsReport } from '../../../gateway/outputs/influx-line-encoder.js';
import { InfluxOutput } from '../../../gateway/outputs/influx-output.js';
import { classifyWriteResponse } from '../../../gateway/outputs/influx-response.js';
import { parseInfluxUrl } from '../../../gateway/outputs/influx-url.js';
import { LineBuffer } from '../../../gateway/outputs/line-buffer.js';
import { retryDelay } from '../../../gateway/outputs/retry-backoff.js';
import type { Reading } from '../../../gateway/reading.js';

function reading(fields: Record<string, unknown>, tags: Record<string, string> = { device: 'probe-1' }): Reading {
  return {
    measurement: 'cold_room',
    tags,
    fields: fields as Reading['fields'],
    integer_fields: new Set<string>(),
    time_ms: 1_700_000_000_000,
    time_source: 'receive',
  };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('influx-url', () => {
  it('parses database and port', () => {
    const target = parseInfluxUrl('http://db.local:8087/coldpool');
    expect(target.host).toBe('db.local');
    expect(target.port).toBe(8087);
    expect(target.database).toBe('coldpool');
    expect(target.base_path).toBe('');
  });

  it('defaults port to 8086', () => {
    expect(parseInfluxUrl('http://db.local/coldpool').port).toBe(8086);
  });

  it('keeps explicit port 80', () => {
    expect(parseInfluxUrl('http://db.local:80/coldpool').port).toBe(80);
  });

  it('keeps proxy path prefix', () => {
    const target = parseInfluxUrl('https://proxy.local/influx/coldpool');
    expect(target.base_path).toBe('/influx');
    expect(target.database).toBe('coldpool');
    expect(target.port).toBe(8086);
  });

  it('hides credentials from display url', () => {
    const target = parseInfluxUrl('http://writer:s3cret@db.local:8086/coldpool');
    expect(target.username).toBe('writer');
    expect(target.password).toBe('s3cret');
    expect(target.display_url).not.toContain('s3cret');
  });

  it('rejects url without database', () => {
    expect(codeOf(() => parseInfluxUrl('http://db.local:8086/'))).toBe('INFLUX_URL_INVALID');
  });

  it('hides credentials from url errors', () => {
    expect(() => parseInfluxUrl('ftp://writer:s3cret@db.local/x')).toThrow(/ftp:/);
    expect(() => parseInfluxUrl('ftp://writer:s3cret@db.local/x')).not.toThrow(/s3cret/);
  });
});

describe('influx-response', () => {
  const url = 'http://127.0.0.1:8086/x';

  it('accepts 204', () => {
    expect(classifyWriteResponse({ status: 204, body: '' }, 3, url).kind).toBe('written');
  });

  it('counts unparsable lines in partial write', () => {
    const body = JSON.stringify({
      error:
        "partial write: unable to parse 'a b=x 1': invalid boolean\nunable to parse 'c d=y 2': invalid boolean dropped=0",
    });
    const outcome = classifyWriteResponse({ status: 400, body }, 5, url);
    expect(outcome.kind).toBe('partial');
    expect(outcome.kind === 'partial' ? outcome.rejected : undefined).toBe(2);
  });

  it('counts dropped points in partial write', () => {
    const body = JSON.stringify({ error: 'partial write: field type conflict: input field "t" dropped=3' });
    const outcome = classifyWriteResponse({ status: 400, body }, 5, url);
    expect(outcome.kind === 'partial' ? outcome.rejected : undefined).toBe(3);
  });

  it('rejects whole batch on plain 400', () => {
    const outcome = classifyWriteResponse({ status: 400, body: '{"error":"unable to parse"}' }, 2, url);
    expect(outcome.kind).toBe('rejected');
  });

  it('splits on 413', () => {
    expect(classifyWriteResponse({ status: 413, body: '' }, 2, url).kind).toBe('too_large');
  });

  it('retries server errors and missing database', () => {
    const serverError = classifyWriteResponse({ status: 503, body: 'busy' }, 2, url);
    const missing = classifyWriteResponse({ status: 404, body: '{"error":"database not found: \\"x\\""}' }, 2, url);
    expect(serverError.kind === 'retry' ? serverError.error.code : undefined).toBe('INFLUX_SERVER_ERROR');
    expect(missing.kind === 'retry' ? missing.database_missing : undefined).toBe(true);
  });

  it('names credential settings on 401 and 403', () => {
    const settings = 'outputs.influx.username and outputs.influx.password_file';
    for (const status of [401, 403]) {
      const outcome = classifyWriteResponse({ status, body: '{"error":"authorization failed"}' }, 2, url, settings);
      const error = outcome.kind === 'retry' ? outcome.error : undefined;
      expect(error?.code).toBe('INFLUX_AUTH_FAILED');
      expect(error?.message).toContain(`rejected the credentials with HTTP ${status} (authorization failed)`);
      expect(error?.message).toContain(`check ${settings}`);
    }
  });
});

describe('retry-backoff', () => {
  it('doubles up to the cap', () => {
    const options = { initial_ms: 100, max_ms: 1000 };
    expect(retryDelay(1, options, () => 1)).toBe(100);
    expect(retryDelay(3, options, () => 1)).toBe(400);
    expect(retryDelay(10, options, () => 1)).toBe(1000);
    expect(retryDelay(3, options, () => 0)).toBe(0);
  });
});

describe('line-buffer', () => {
  it('bounds batches by lines and bytes', () => {
    const buffer = new LineBuffer();
    for (const line of ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']) buffer.push(line);
    expect(buffer.take(2, 1000)).toEqual(['aaaa', 'bbbb']);
    expect(buffer.take(10, 9)).toEqual(['cccc', 'dddd']);
    expect(buffer.take(10, 1)).toEqual(['eeee']);
    expect(buffer.length).toBe(0);
  });
});

describe('influx-output', () => {
  it('rejects invalid options', () => {
    expect(codeOf(() => new InfluxOutput({ url: 'http://127.0.0.1:1/x', batch_size: 0 }))).toBe(
      'OUTPUT_OPTION_INVALID',
    );
  });

  it('drops point without valid field', () => {
    const output = new InfluxOutput({ url: 'http://127.0.0.1:1/x' });
    const events: { count: number; reason: string }[] = [];
    output.on('dropped', (event) => events.push(event));
    output.write([reading({ temp_c: Number.NaN, door: null }), reading({ rh: 55.2, aux: Infinity })]);
    expect(output.stats().dropped).toBe(1);
    expect(output.stats().dropped_fields).toBe(3);
    expect(output.stats().pending).toBe(1);
    expect(events[0]?.reason).toContain('temp_c (nan)');
  });

  it('reports fields left out of a line', () => {
    const output = new InfluxOutput({ url: 'http://127.0.0.1:1/x' });
    const reports: DroppedFieldsReport[] = [];
    output.on('fields_dropped', (report: DroppedFieldsReport) => reports.push(report));
    output.write([reading({ rh: 55.2, note: 'a\nb' }), reading({ rh: 55.3 }), reading({ door: null })]);
    expect(reports).toEqual([
      { device_id: 'probe-1', measurement: 'cold_room', dropped_fields: [{ field: 'note', reason: 'newline' }] },
    ]);
    expect(output.stats().pending).toBe(2);
  });

  it('rejects reading with invalid tag', () => {
    const output = new InfluxOutput({ url: 'http://127.0.0.1:1/x' });
    output.write([reading({ t: 1 }, { site: 'C:\\' })]);
    expect(output.stats().rejected).toBe(1);
    expect(output.stats().pending).toBe(0);
  });

  it('drops newest beyond max pending', () => {
    const output = new InfluxOutput({ url: 'http://127.0.0.1:1/x', max_pending: 2 });
    const events: { count: number; reason: string }[] = [];
    output.on('dropped', (event) => events.push(event));
    output.write([reading({ t: 1 }), reading({ t: 2 }), reading({ t: 3 })]);
    expect(output.stats().pending).toBe(2);
    expect(output.stats().dropped).toBe(1);
    expect(events[0]?.reason).toContain('max_pending 2');
  });
});
