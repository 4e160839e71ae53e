import { afterEach, describe, expect, it } from 'vitest';
import { hostAllowed, hostName } from '../../../gateway/api/host-check.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { type ApiFixture, createApiFixture } from './api-fixture.js';

describe('host name of a Host header', () => {
  it.each([
    ['127.0.0.1:8080', '127.0.0.1'],
    ['LocalHost:8080', 'localhost'],
    ['[::1]:8080', '::1'],
    ['::1', '::1'],
    ['coldstore-gw.local.', 'coldstore-gw.local'],
    ['gw.example:443', 'gw.example'],
  ])('reads %s as %s', (header, name) => {
    expect(hostName(header)).toBe(name);
  });
});

describe('host check', () => {
  const none = new Set<string>();

  it.each(['127.0.0.1:8080', '192.168.1.20:8080', '[::1]:8080', 'localhost:8080', 'localhost'])('passes %s', (host) => {
    expect(hostAllowed(host, none)).toBe(true);
  });

  it('rejects a name not listed', () => {
    expect(hostAllowed('attacker.example:8080', none)).toBe(false);
    expect(hostAllowed('localhost.attacker.example', none)).toBe(false);
  });

  it('passes a listed name', () => {
    expect(hostAllowed('Coldstore-GW.local:8080', new Set(['coldstore-gw.local']))).toBe(true);
  });

  it('passes any name with *', () => {
    expect(hostAllowed('attacker.example', new Set(['*']))).toBe(true);
  });

  it('passes a request without Host', () => {
    expect(hostAllowed(undefined, none)).toBe(true);
  });
});

describe('api host check', () => {
  let fixture: ApiFixture | undefined;

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('rejects a rebound host name', async () => {
    fixture = await createApiFixture();
    const response = await fixture.app.inject({ url: '/api/v1/assets', headers: { host: 'attacker.example:8080' } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('API_HOST_NOT_ALLOWED');
    expect(response.json().error.message).toContain('"attacker.example"');
    expect(response.json().error.message).toContain('http.allowed_hosts');
  });

  it('rejects before the dashboard', async () => {
    fixture = await createApiFixture();
    const response = await fixture.app.inject({ url: '/', headers: { host: 'attacker.example' } });
    expect(response.statusCode).toBe(403);
  });

  it('serves an address and a listed name', async () => {
    fixture = await createApiFixture({ allowed_hosts: ['coldstore-gw.local'] });
    for (const host of ['127.0.0.1:8080', 'coldstore-gw.local:8080']) {
      const response = await fixture.app.inject({ url: '/api/v1/assets', headers: { host } });
      expect(response.statusCode).toBe(200);
    }
  });
});

describe('allowed_hosts setting', () => {
  it('accepts names and *', () => {
    const config = validateConfig({ http: { allowed_hosts: ['coldstore-gw.local', '*'] } });
    expect(config.config.http.allowed_hosts).toEqual(['coldstore-gw.local', '*']);
  });

  it('rejects a URL with the key named', () => {
    expect(() => validateConfig({ http: { allowed_hosts: ['http://gw.local:8080'] } })).toThrow(
      /http\.allowed_hosts\[0\] = "http:\/\/gw\.local:8080": must be a host name/,
    );
  });
});
