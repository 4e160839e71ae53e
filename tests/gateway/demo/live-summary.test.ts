import { describe, expect, it } from 'vitest';
import { LiveSummary } from '../../../gateway/demo/live-summary.js';
import { EventBus } from '../../../gateway/events.js';
import type { Reading } from '../../../gateway/reading.js';

const NOW_MS = 1_764_864_000_000;

function roomReading(device: string, fields: Reading['fields'], integerFields: string[] = []): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'demo', asset: device, device },
    fields,
    integer_fields: new Set(integerFields),
    time_ms: NOW_MS,
    time_source: 'source',
  };
}

describe('LiveSummary', () => {
  it('shows float fields with one decimal', () => {
    const bus = new EventBus();
    const summary = new LiveSummary(bus);
    bus.emit('reading', roomReading('room-1', { air_temp_c: 1.96 }));
    bus.emit('reading', roomReading('room-2', { air_temp_c: 2 }));
    bus.emit('reading', roomReading('room-3', { air_temp_c: -18 }));

    const text = summary.render(NOW_MS, 'demo');

    expect(text).toMatch(/^room-1 .* air_temp_c=2\.0$/m);
    expect(text).toMatch(/^room-2 .* air_temp_c=2\.0$/m);
    expect(text).toMatch(/^room-3 .* air_temp_c=-18\.0$/m);
  });

  it('shows integer fields without decimals', () => {
    const bus = new EventBus();
    const summary = new LiveSummary(bus);
    bus.emit('reading', roomReading('room-1', { air_temp_c: 3.25, humidity_pct: 85 }, ['humidity_pct']));

    const text = summary.render(NOW_MS, 'demo');

    expect(text).toMatch(/^room-1 .* air_temp_c=3\.3 humidity_pct=85$/m);
  });
});
