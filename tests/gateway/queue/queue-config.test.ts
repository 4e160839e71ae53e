import { describe, expect, it } from 'vitest';
import { parseQueueConfig } from '../../../gateway/queue/queue-config.js';

describe('queue-config', () => {
  it('defaults to block', () => {
    expect(parseQueueConfig().overflow).toBe('block');
  });

  it('defaults to commit before ack', () => {
    expect(parseQueueConfig().commit_before_ack).toBe(true);
  });

  it('rejects unknown policy', () => {
    expect(() => parseQueueConfig({ overflow: 'drop_random' })).toThrow();
  });

  it('rejects unknown key', () => {
    expect(() => parseQueueConfig({ max_queue_size: 10 })).toThrow();
  });
});
