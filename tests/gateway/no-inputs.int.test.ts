import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';

async function startupWarnings(settings: Record<string, unknown>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-no-inputs-'));
  const config = validateConfig({
    mqtt: { broker: { port: 0 }, ...settings },
    outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: join(dir, 'queue.db') } },
  });
  const lines: { level: number; msg: string }[] = [];
  const gateway = new Gateway(
    config,
    pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
  );
  await gateway.start();
  await gateway.stop();
  return lines.map((line) => line.msg);
}

describe('gateway without inputs', () => {
  it('warns about missing inputs', async () => {
    const warnings = await startupWarnings({});
    expect(warnings.filter((message) => message.startsWith('no devices and no mqtt.subscriptions'))).toHaveLength(1);
  });

  it('stays quiet with a subscription', async () => {
    const warnings = await startupWarnings({
      subscriptions: [{ topic: 'rooms/+/state', device_id_segment: 1, profile: 'coldpool-room-celsius' }],
    });
    expect(warnings.filter((message) => message.startsWith('no devices'))).toEqual([]);
  });
});
