import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { START_MS, startEngine, temperatureReading } from './scenario-harness.js';

const MIN = 60_000;
const CONFIG = {
  assets: [
    {
      id: 'room-1',
      class: 'chilled',
      rules: [{ direction: 'high', level: 'alarm', threshold_c: 5, on_delay_s: 900, clear_delay_s: 0 }],
      rate: { enabled: false },
    },
  ],
};

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-alarms-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function feed(harness: ReturnType<typeof startEngine>, from_min: number, to_min: number, air_c: number) {
  for (let minute = from_min; minute < to_min; minute++) {
    harness.now.ms = START_MS + minute * MIN;
    harness.engine.handleReading(temperatureReading(harness.now.ms, air_c));
    harness.engine.tick(harness.now.ms);
  }
}

describe('alarm engine restart', () => {
  it('keeps on-delay time across a restart', () => {
    const path = join(directory, 'records.sqlite');
    const first = startEngine(CONFIG, path);
    feed(first, 0, 10, 6);
    first.db.close();
    const second = startEngine(CONFIG, path);
    feed(second, 10, 20, 6);
    const raised = second.transitions.filter((t) => t.transition === 'raised');
    expect(raised.length).toBe(1);
    expect(raised[0]?.time_ms).toBe(START_MS + 15 * MIN);
  });

  it('keeps an open acknowledged alarm across a restart', () => {
    const path = join(directory, 'records.sqlite');
    const first = startEngine(CONFIG, path);
    feed(first, 0, 20, 6);
    const id = first.engine.openAlarms()[0]?.id ?? '';
    first.engine.acknowledge(id, 'li.wei', 'checking the compressor');
    first.db.close();

    const second = startEngine(CONFIG, path);
    const [alarm] = second.engine.openAlarms();
    expect(alarm?.id).toBe(id);
    expect(alarm?.active).toBe(true);
    expect(alarm?.acknowledgement?.by).toBe('li.wei');
    feed(second, 20, 25, 6);
    expect(second.transitions.filter((t) => t.transition === 'raised')).toEqual([]);
    feed(second, 25, 26, 3);
    expect(second.transitions.map((t) => t.transition)).toEqual(['cleared']);
    second.engine.close(id, 'li.wei', 'product checked at 4.1 °C core, kept; compressor contactor replaced');
    expect(second.engine.openAlarms()).toEqual([]);
  });

  it('rejects closing an active alarm', () => {
    const harness = startEngine(CONFIG);
    feed(harness, 0, 20, 6);
    const id = harness.engine.openAlarms()[0]?.id ?? '';
    expect(() => harness.engine.close(id, 'ops', 'none')).toThrow(/still active/);
  });
});

describe('alarm lifecycle', () => {
  it('escalates an unacknowledged alarm', () => {
    const harness = startEngine({
      ...CONFIG,
      notify: {
        renotify_s: 0,
        escalation: [
          { after_s: 0, targets: ['operator'] },
          { after_s: 600, targets: ['supervisor'] },
        ],
      },
    });
    feed(harness, 0, 40, 6);
    const reasons = harness.notifications.map((n) => `${n.reason}:${n.targets.join('+')}`);
    expect(reasons).toEqual(['raised:operator', 'escalated:operator+supervisor']);
    expect(harness.notifications[1]?.time_ms).toBe(START_MS + 25 * MIN);
  });

  it('stops re-notifying once acknowledged', () => {
    const harness = startEngine({ ...CONFIG, notify: { renotify_s: 300 } });
    feed(harness, 0, 26, 6);
    const id = harness.engine.openAlarms()[0]?.id ?? '';
    harness.engine.acknowledge(id, 'ops', 'on it');
    const count = harness.notifications.length;
    feed(harness, 26, 60, 6);
    expect(harness.notifications.length).toBe(count);
  });

  it('emits alarm readings for each transition', () => {
    const harness = startEngine(CONFIG);
    const readings: string[] = [];
    harness.engine.on('reading', (reading) => readings.push(`${reading.measurement}:${reading.fields.status}`));
    feed(harness, 0, 20, 6);
    feed(harness, 20, 21, 3);
    expect(readings).toEqual(['alarm:raised', 'alarm:cleared']);
  });

  it('rejects a second acknowledgement', () => {
    const harness = startEngine(CONFIG);
    feed(harness, 0, 20, 6);
    const id = harness.engine.openAlarms()[0]?.id ?? '';
    harness.engine.acknowledge(id, 'a', 'seen');
    expect(() => harness.engine.acknowledge(id, 'b', 'seen too')).toThrow(/acknowledged by a/);
  });
});

describe('asset state restart', () => {
  it('keeps a commanded state across a restart', () => {
    const path = join(directory, 'records.sqlite');
    const first = startEngine(CONFIG, path);
    first.engine.setAssetState('room-1', 'maintenance', 'ops');
    first.db.close();
    const second = startEngine(CONFIG, path);
    expect(second.engine.profiles[0]?.state).toBe('maintenance');
  });

  it('lets a changed configured state win', () => {
    const path = join(directory, 'records.sqlite');
    const first = startEngine(CONFIG, path);
    first.engine.setAssetState('room-1', 'maintenance', 'ops');
    first.db.close();
    const changed = { assets: [{ ...CONFIG.assets[0], state: 'empty' }] };
    const second = startEngine(changed, path);
    expect(second.engine.profiles[0]?.state).toBe('empty');
  });
});

describe('rule points', () => {
  it('evaluates a rule on its own point', () => {
    const harness = startEngine({
      assets: [
        {
          id: 'room-1',
          class: 'chilled',
          rules: [{ direction: 'high', level: 'alarm', threshold_c: 5, point: 'product_temp_c' }],
          rate: { enabled: false },
        },
      ],
    });
    const air = temperatureReading(START_MS, 9);
    harness.engine.handleReading(air);
    expect(harness.transitions).toEqual([]);
    harness.engine.handleReading({ ...air, time_ms: START_MS + MIN, fields: { air_temp_c: 3, product_temp_c: 5.5 } });
    expect(harness.transitions.map((t) => `${t.transition}:${t.alarm.point}`)).toEqual(['raised:product_temp_c']);
  });
});
