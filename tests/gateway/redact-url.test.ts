import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../gateway/secrets.js';

describe('redactUrl', () => {
  it.each([
    ['mqtt://gw:hunter2@127.0.0.1:1883', 'mqtt://gw:***@127.0.0.1:1883'],
    ['http://127.0.0.1:8086/db?u=admin&p=hunter2', 'http://127.0.0.1:8086/db?u=admin&p=***'],
    ['redis://127.0.0.1:6379/0?token=hunter2&Password=hunter2', 'redis://127.0.0.1:6379/0?token=***&Password=***'],
    ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1883'],
  ])('masks %s', (url, masked) => {
    expect(redactUrl(url)).toBe(masked);
  });
});
