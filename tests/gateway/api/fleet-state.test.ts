import { describe, expect, it } from 'vitest';
import { FleetState } from '../../../gateway/api/fleet-state.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { EventBus } from '../../../gateway/events.js';
import type { Reading } from '../../../gateway/reading.js';

const resolved = validateConfig(
  {
    version: 1,
    site: 'north-hub',
    mqtt: { broker: { enabled: false } },
    devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
    outputs: { local_store: { enabled: false } },
  },
  'fleet-state-test',
);

function reading(time_ms: number, fields: Reading['fields']): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'north-hub', asset: 'room-1', device: 'room-1' },
    fields,
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
}

describe('FleetState', () => {
  it('merges newer fields into latest', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    bus.emit('reading', reading(1_000, { air_temp_c: 3.5, door_open: false }));
    bus.emit('reading', reading(2_000, { air_temp_c: 4.25 }));
    expect(fleet.device('room-1')?.latest).toEqual([
      expect.objectContaining({ time_ms: 2_000, fields: { air_temp_c: 4.25, door_open: false } }),
    ]);
    fleet.detach();
  });

  it('keeps the time of each field', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    bus.emit('reading', reading(1_000, { air_temp_c: 3.5, probe_temp_c: -18 }));
    // The probe faulted at 2,000: its reading carries only the air temperature.
    bus.emit('reading', reading(2_000, { air_temp_c: 4.25 }));
    const latest = fleet.device('room-1')?.latest[0];
    expect(latest?.time_ms).toBe(2_000);
    expect(latest?.field_times_ms).toEqual({ air_temp_c: 2_000, probe_temp_c: 1_000 });
    expect(latest?.fields.probe_temp_c).toBe(-18);
    fleet.detach();
  });

  it('keeps earlier views unchanged', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    bus.emit('reading', reading(1_000, { air_temp_c: 3.5 }));
    const before = fleet.device('room-1');
    bus.emit('reading', reading(2_000, { air_temp_c: 7 }));
    expect(before?.latest[0]).toMatchObject({ time_ms: 1_000, fields: { air_temp_c: 3.5 } });
    expect(fleet.device('room-1')?.latest[0]).toMatchObject({ time_ms: 2_000, fields: { air_temp_c: 7 } });
    fleet.detach();
  });

  it('leaves given readings unchanged', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    const first = reading(1_000, { air_temp_c: 3.5 });
    bus.emit('reading', first);
    bus.emit('reading', reading(2_000, { air_temp_c: 5 }));
    expect(first.fields).toEqual({ air_temp_c: 3.5 });
    fleet.detach();
  });
});
