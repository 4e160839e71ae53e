import { describe, expect, it } from 'vitest';
import { generateToken, TOKEN_PREFIX, TokenStore, tokenSha256 } from '../../gateway/security/token-store.js';

function store(max_sessions?: number) {
  let now = 1_000_000;
  const tokens = new TokenStore({ session_ttl_s: 60, now_ms: () => now, ...(max_sessions ? { max_sessions } : {}) });
  return { tokens, advance: (ms: number) => (now += ms) };
}

describe('TokenStore', () => {
  it('generates prefixed random tokens', () => {
    expect(generateToken()).toMatch(new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`));
  });

  it('generates distinct tokens', () => {
    expect(generateToken()).not.toBe(generateToken());
  });

  it('hashes to 64 hex digits', () => {
    expect(tokenSha256('x')).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  });

  it('accepts an issued token', () => {
    const { tokens } = store();
    const { token } = tokens.issue('vera', 'viewer');
    expect(tokens.check(token)).toMatchObject({ ok: true, holder: { name: 'vera', role: 'viewer' } });
  });

  it('expires at the ttl', () => {
    const { tokens, advance } = store();
    const { token } = tokens.issue('vera', 'viewer');
    advance(60_000);
    expect(tokens.check(token)).toMatchObject({ ok: false, reason: 'expired', holder: { kind: 'session' } });
  });

  it('forgets an expired token', () => {
    const { tokens, advance } = store();
    const { token } = tokens.issue('vera', 'viewer');
    advance(60_000);
    tokens.check(token);
    expect(tokens.sessionCount()).toBe(0);
  });

  it('bounds the sessions held', () => {
    const { tokens } = store(5);
    for (let i = 0; i < 20; i++) tokens.issue(`u${i}`, 'viewer');
    expect(tokens.sessionCount()).toBe(5);
  });

  it('revokes a session token', () => {
    const { tokens } = store();
    const { token } = tokens.issue('vera', 'viewer');
    tokens.revoke(token);
    expect(tokens.check(token)).toEqual({ ok: false, reason: 'invalid' });
  });
});
