import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInfluxDatabase } from '../../../gateway/outputs/influx-database.js';
import { parseInfluxUrl } from '../../../gateway/outputs/influx-url.js';
import { InfluxWriteError } from '../../../gateway/outputs/output-errors.js';
import { freePort } from '../../harness/free-port.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';

async function failureOf(url: string, timeout_ms = 2000): Promise<InfluxWriteError> {
  try {
    await ensureInfluxDatabase(parseInfluxUrl(url), timeout_ms);
  } catch (error) {
    if (error instanceof InfluxWriteError) return error;
    throw error;
  }
  throw new Error(`ensureInfluxDatabase succeeded against ${url}`);
}

describe('ensureInfluxDatabase', () => {
  let influxd: Influxd;
  let other: Server;
  let otherPort: number;

  beforeAll(async () => {
    influxd = await startInfluxd();
    // An HTTP server that is not InfluxDB: 404 for every path.
    other = createServer((_request, response) => {
      response.statusCode = 404;
      response.end('not here');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    otherPort = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await influxd?.stop();
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it('creates a missing database', async () => {
    await ensureInfluxDatabase(parseInfluxUrl(`${influxd.url}/created_here`), 5000);
    const body = await influxd.query('SHOW DATABASES');
    expect(JSON.stringify(body)).toContain('created_here');
  });

  it('names a refused connection', async () => {
    const port = await freePort();
    const error = await failureOf(`http://127.0.0.1:${port}/cold`);
    expect(error.code).toBe('INFLUX_UNREACHABLE');
    expect(error.message).toContain('is unreachable (ECONNREFUSED)');
  });

  it('names a server that is not InfluxDB', async () => {
    const error = await failureOf(`http://127.0.0.1:${otherPort}/cold`);
    expect(error.code).toBe('INFLUX_UNREACHABLE');
    expect(error.status).toBe(404);
    expect(error.message).toContain('answered /ping with HTTP 404, not 204');
  });
});
