import { describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { WebhookError } from '../../../gateway/alarms/webhook-sender.js';

describe('webhook url', () => {
  it('rejects a url with a password', () => {
    const result = alarmConfigSchema.safeParse({
      notify: { webhooks: [{ url: 'http://hook:s3cret@127.0.0.1:18441/hook' }] },
    });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('must not contain a user name or password');
  });

  it('accepts a token in the query', () => {
    const result = alarmConfigSchema.safeParse({
      notify: { webhooks: [{ url: 'http://127.0.0.1:18441/hook?token=abc' }] },
    });
    expect(result.success).toBe(true);
  });

  it('masks the token in a delivery error', () => {
    const error = new WebhookError('http://127.0.0.1:18441/hook?token=tok123', 5, 'HTTP 500');
    expect(error.message).toContain('http://127.0.0.1:18441/hook?token=***');
    expect(error.message).not.toContain('tok123');
  });
});
