import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HttpAddressError,
  parseHttpAddress,
  type RunningApi,
  startGatewayApi,
} from '../../../gateway/api/gateway-api.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';
import { roomReading } from './api-fixture.js';

describe('http address', () => {
  it('parses host and port', () => {
    expect(parseHttpAddress('0.0.0.0:9000')).toEqual({ host: '0.0.0.0', port: 9000 });
  });

  it('defaults the host to loopback', () => {
    expect(parseHttpAddress('8080')).toEqual({ host: '127.0.0.1', port: 8080 });
  });

  it('parses a bracketed ipv6 host', () => {
    expect(parseHttpAddress('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
  });

  for (const text of ['127.0.0.1:', 'localhost:70000', 'http://127.0.0.1:8080', '']) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parseHttpAddress(text)).toThrow(HttpAddressError);
    });
  }
});

describe('gateway api', () => {
  let dir: string;
  let gateway: Gateway;
  let api: RunningApi;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldpool-gateway-api-'));
    const resolved = validateConfig({
      version: 1,
      site: 'north-hub',
      mqtt: { broker: { enabled: false } },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { enabled: true, path: join(dir, 'store.db') } },
    });
    gateway = new Gateway(resolved, pino({ level: 'silent' }));
    await gateway.start();
    api = await startGatewayApi(gateway, { port: 0 });
  });

  afterAll(async () => {
    await api?.stop();
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves history from the local store file', async () => {
    const time = Date.now() - 1000;
    gateway.bus.emit('reading', roomReading(time, 4.5));
    const response = await fetch(`${api.url}/api/v1/history?device=room-1&field=air_temp_c&from_ms=${time - 1}`);
    const body = (await response.json()) as { source: string; series: Array<{ points: Array<{ value: number }> }> };
    expect(body.source).toBe('local_store');
    expect(body.series[0]?.points.map((point) => point.value)).toEqual([4.5]);
  });

  it('serves the dashboard', async () => {
    const response = await fetch(`${api.url}/`);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<script type="module" src="/app.js">');
  });

  it('serves uplot from node_modules', async () => {
    const response = await fetch(`${api.url}/vendor/uPlot.iife.min.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('uPlot');
  });

  it('returns the envelope for an unknown vendor file', async () => {
    const response = await fetch(`${api.url}/vendor/jquery.js`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('API_ROUTE_NOT_FOUND');
  });
});
