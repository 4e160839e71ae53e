import { describe, expect, it } from 'vitest';
import {
  checkListenerSafety,
  disabledHttpWarning,
  isLoopbackHost,
  type ListenerPlan,
} from '../../gateway/security/listener-safety.js';
import { SecurityError } from '../../gateway/security/security-error.js';

const plan: ListenerPlan = {
  name: 'http',
  host: '0.0.0.0',
  auth_configured: false,
  auth_key: 'http.auth.users',
  host_key: 'http.host',
};

function rejection(input: ListenerPlan): SecurityError {
  try {
    checkListenerSafety(input);
  } catch (error) {
    if (error instanceof SecurityError) return error;
    throw error;
  }
  throw new Error(`checkListenerSafety accepted ${JSON.stringify(input)}`);
}

describe('checkListenerSafety', () => {
  it('accepts loopback without auth', () => {
    expect(() => checkListenerSafety({ ...plan, host: '127.0.0.1' })).not.toThrow();
  });

  it('accepts ipv6 loopback without auth', () => {
    expect(() => checkListenerSafety({ ...plan, host: '::1' })).not.toThrow();
  });

  it('accepts any address with auth', () => {
    expect(() => checkListenerSafety({ ...plan, auth_configured: true })).not.toThrow();
  });

  it('rejects any address without auth', () => {
    expect(rejection(plan).code).toBe('LISTENER_AUTH_REQUIRED');
  });

  it('rejects lan address without auth', () => {
    expect(rejection({ ...plan, host: '192.168.1.20' }).code).toBe('LISTENER_AUTH_REQUIRED');
  });

  it('names the credentials key', () => {
    expect(rejection(plan).message).toContain('http.auth.users');
  });

  it('names the passwd command', () => {
    expect(rejection(plan).message).toContain('coldpool passwd');
  });

  it('names the address', () => {
    expect(rejection(plan).message).toContain('0.0.0.0');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.9.9.9', true],
    ['localhost', true],
    ['::', false],
    ['::ffff:10.0.0.1', false],
    ['10.0.0.1', false],
  ])('%s is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('disabledHttpWarning', () => {
  const off = { enabled: false, host: '127.0.0.1', port: 8080 };

  it.each([
    [{ ...off, port: 9090 }, 'http.port is set but http.enabled is false'],
    [{ ...off, host: '0.0.0.0', auth: {} }, 'http.host, http.auth are set but http.enabled is false'],
  ])('warns of %j', (http, message) => {
    expect(disabledHttpWarning(http)).toContain(message);
  });

  it('stays quiet for defaults or an enabled api', () => {
    expect(disabledHttpWarning(off)).toBeUndefined();
    expect(disabledHttpWarning({ ...off, enabled: true, port: 9090 })).toBeUndefined();
  });
});
