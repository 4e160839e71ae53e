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

describe('FleetState field errors', () => {
  it('counts field errors per device', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    const problem = { device_id: 'room-1', field: 'air_temp_c', code: 'FIELD_NOT_NUMBER', message: 'x' };
    expect(fleet.fieldErrors('room-1')).toBe(0);
    bus.emit('field_error', problem);
    bus.emit('field_error', problem);
    expect(fleet.fieldErrors('room-1')).toBe(2);
    expect(fleet.device('room-1')?.health.field_errors).toBe(2);
    fleet.detach();
  });

  it('has no count for unknown devices', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    bus.emit('field_error', { device_id: 'room-9', field: 'air_temp_c', code: 'FIELD_NOT_NUMBER', message: 'x' });
    expect(fleet.fieldErrors('room-9')).toBeUndefined();
    fleet.detach();
  });
});

describe('FleetState timestamp collisions', () => {
  const collision = { device_id: 'room-1', measurement: 'cold_room', time_ms: 1_000, field: 'air_temp_c' };

  it('counts collisions per device', () => {
    const bus = new EventBus();
    let now = 5_000;
    const fleet = new FleetState(resolved.devices, bus, { now: () => now });
    expect(fleet.device('room-1')?.health.timestamp_collisions).toBe(0);
    expect(fleet.device('room-1')?.health.last_timestamp_collision_ms).toBeNull();
    bus.emit('timestamp_collision', collision);
    now = 6_000;
    bus.emit('timestamp_collision', collision);
    const health = fleet.device('room-1')?.health;
    expect(health?.timestamp_collisions).toBe(2);
    expect(health?.last_timestamp_collision_ms).toBe(6_000);
    fleet.detach();
  });

  it('leaves device state unchanged', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    bus.emit('reading', reading(Date.now(), { air_temp_c: 3.5 }));
    bus.emit('timestamp_collision', collision);
    const health = fleet.device('room-1')?.health;
    expect(health?.state).toBe('up');
    expect(health?.last_payload_error).toBeNull();
    fleet.detach();
  });

  it('ignores collisions of unknown devices', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    bus.emit('timestamp_collision', { ...collision, device_id: 'room-9' });
    expect(fleet.device('room-9')).toBeUndefined();
    expect(fleet.device('room-1')?.health.timestamp_collisions).toBe(0);
    fleet.detach();
  });
});

describe('FleetState discovered devices', () => {
  const roomRoute = { subscription: 'rooms/+/state', site: 'north-hub', measurement: 'cold_room' };

  function roomReading(device: string, time_ms: number): Reading {
    return { ...reading(time_ms, { air_temp_c: 3 }), tags: { site: 'north-hub', asset: device, device } };
  }

  it('ignores unknown devices without discovery', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus);
    bus.emit('reading', roomReading('room-9', 1_000));
    expect(fleet.device('room-9')).toBeUndefined();
    expect(fleet.counts().total).toBe(1);
    fleet.detach();
  });

  it('evicts the least recently seen', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus, {
      discovered_route: (id) => (id.startsWith('room-') ? roomRoute : undefined),
      max_discovered: 2,
    });
    bus.emit('reading', roomReading('room-7', 1_000));
    bus.emit('reading', roomReading('room-8', 1_000));
    bus.emit('reading', roomReading('room-7', 2_000));
    bus.emit('reading', roomReading('room-9', 2_000));
    expect(fleet.device('room-8')).toBeUndefined();
    expect(fleet.device('room-7')?.discovered).toBe(true);
    expect(fleet.device('room-9')?.subscription).toBe('rooms/+/state');
    expect(fleet.device('room-1')?.discovered).toBe(false);
    expect(fleet.counts().total).toBe(3);
    expect(fleet.page(0, 10).devices.map((device) => device.id)).toEqual(['room-1', 'room-7', 'room-9']);
    fleet.detach();
  });

  it('counts faults and state of discovered devices', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus, { discovered_route: () => roomRoute });
    bus.emit('reading', roomReading('room-7', 1_000));
    bus.emit('device_state', { device_id: 'room-7', up: false, consecutive_failures: 2, last_error: 'gone' });
    expect(fleet.device('room-7')?.health.state).toBe('down');
    expect(fleet.device('room-7')?.health.last_error).toBe('gone');
    fleet.detach();
  });

  it('lists a device whose every field fails', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus, { discovered_route: () => roomRoute });
    bus.emit('field_error', { device_id: 'room-2', field: 'air_temp_c', code: 'FIELD_MISSING', message: 'no value' });
    bus.emit('field_error', { device_id: 'room-2', field: 'door_open', code: 'FIELD_MISSING', message: 'none' });
    const device = fleet.device('room-2');
    expect(device?.discovered).toBe(true);
    expect(device?.subscription).toBe('rooms/+/state');
    expect(device?.site).toBe('north-hub');
    expect(device?.measurement).toBe('cold_room');
    expect(device?.health.readings).toBe(0);
    expect(device?.health.field_errors).toBe(2);
    expect(device?.health.last_field_error).toBe('FIELD_MISSING: none');
    expect(device?.health.state).toBe('payload_errors');
    expect(fleet.page(0, 10).devices.map((view) => view.id)).toEqual(['room-1', 'room-2']);
    fleet.detach();
  });

  it('lists a device with only input problems', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus, { discovered_route: () => roomRoute });
    bus.emit('input_problem', { source: 'mqtt', code: 'PAYLOAD_JSON_INVALID', message: 'bad', device_id: 'room-3' });
    expect(fleet.device('room-3')?.health.input_problems).toBe(1);
    expect(fleet.device('room-3')?.health.last_error).toBe('PAYLOAD_JSON_INVALID: bad');
    fleet.detach();
  });

  it('keeps field errors of unrouted devices out', () => {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus, { discovered_route: () => undefined });
    bus.emit('field_error', { device_id: 'room-2', field: 'air_temp_c', code: 'FIELD_MISSING', message: 'none' });
    expect(fleet.device('room-2')).toBeUndefined();
    expect(fleet.counts().total).toBe(1);
    fleet.detach();
  });
});

describe('FleetState payload errors', () => {
  const STALE_AFTER_MS = 60_000;
  const fieldMissing = { device_id: 'room-1', field: 'air_temp_c', code: 'FIELD_MISSING', message: 'no value' };
  const jsonInvalid = {
    source: 'mqtt' as const,
    code: 'PAYLOAD_JSON_INVALID',
    message: 'unexpected end of JSON input',
    device_id: 'room-1',
    topic: 'rooms/1',
    payload_rejected: true,
  };

  function fleetAt(clock: { now_ms: number }): { bus: EventBus; fleet: FleetState } {
    const bus = new EventBus();
    const fleet = new FleetState(resolved.devices, bus, { stale_after_ms: STALE_AFTER_MS, now: () => clock.now_ms });
    return { bus, fleet };
  }

  it('starts without a payload error', () => {
    const { fleet } = fleetAt({ now_ms: 1_000 });
    const health = fleet.device('room-1')?.health;
    expect(health?.state).toBe('unknown');
    expect(health?.last_payload_error).toBeNull();
    expect(health?.last_payload_error_ms).toBeNull();
    fleet.detach();
  });

  it('marks unreadable fields before any reading', () => {
    const clock = { now_ms: 5_000 };
    const { bus, fleet } = fleetAt(clock);
    bus.emit('field_error', fieldMissing);
    const health = fleet.device('room-1')?.health;
    expect(health?.state).toBe('payload_errors');
    expect(health?.last_payload_error).toBe('FIELD_MISSING: no value');
    expect(health?.last_payload_error_ms).toBe(5_000);
    expect(health?.last_seen_ms).toBeNull();
    fleet.detach();
  });

  it('marks a rejected payload before any reading', () => {
    const clock = { now_ms: 7_000 };
    const { bus, fleet } = fleetAt(clock);
    bus.emit('input_problem', jsonInvalid);
    const health = fleet.device('room-1')?.health;
    expect(health?.state).toBe('payload_errors');
    expect(health?.last_payload_error).toBe('PAYLOAD_JSON_INVALID: unexpected end of JSON input');
    expect(health?.last_payload_error_ms).toBe(7_000);
    expect(health?.last_error).toBe('PAYLOAD_JSON_INVALID: unexpected end of JSON input');
    fleet.detach();
  });

  it('ignores problems that reject no payload', () => {
    const { bus, fleet } = fleetAt({ now_ms: 1_000 });
    bus.emit('input_problem', {
      source: 'mqtt',
      code: 'MQTT_RETAINED_SKIPPED',
      message: 'retained message without a timestamp skipped',
      device_id: 'room-1',
    });
    bus.emit('input_problem', { source: 'modbus', code: 'MODBUS_TIMEOUT', message: 'no reply', device_id: 'room-1' });
    const health = fleet.device('room-1')?.health;
    expect(health?.state).toBe('unknown');
    expect(health?.input_problems).toBe(2);
    expect(health?.last_payload_error).toBeNull();
    fleet.detach();
  });

  it('switches to up on a reading', () => {
    const clock = { now_ms: 1_000 };
    const { bus, fleet } = fleetAt(clock);
    bus.emit('input_problem', jsonInvalid);
    clock.now_ms = 2_000;
    bus.emit('reading', reading(2_000, { air_temp_c: 3.5 }));
    const health = fleet.device('room-1')?.health;
    expect(health?.state).toBe('up');
    // The newest error stays listed after the device recovered.
    expect(health?.last_payload_error).toBe('PAYLOAD_JSON_INVALID: unexpected end of JSON input');
    expect(health?.last_payload_error_ms).toBe(1_000);
    fleet.detach();
  });

  it('stays up on a partly readable payload', () => {
    const clock = { now_ms: 1_000 };
    const { bus, fleet } = fleetAt(clock);
    bus.emit('reading', reading(1_000, { air_temp_c: 3.5, door_open: false }));
    clock.now_ms = 1_000 + STALE_AFTER_MS + 1;
    // One payload: the pipeline emits its field error, then the reading of its other fields.
    bus.emit('field_error', { ...fieldMissing, field: 'door_open' });
    bus.emit('reading', reading(clock.now_ms, { air_temp_c: 3.6 }));
    expect(fleet.device('room-1')?.health.state).toBe('up');
    fleet.detach();
  });

  it('marks rejected payloads after readings stop', () => {
    const clock = { now_ms: 1_000 };
    const { bus, fleet } = fleetAt(clock);
    bus.emit('reading', reading(1_000, { air_temp_c: 3.5 }));
    clock.now_ms = 2_000;
    bus.emit('input_problem', jsonInvalid);
    // Within stale_after_ms of the last reading the device still counts as up.
    expect(fleet.device('room-1')?.health.state).toBe('up');
    clock.now_ms = 1_000 + STALE_AFTER_MS + 1;
    expect(fleet.device('room-1')?.health.state).toBe('payload_errors');
    expect(fleet.counts().up).toBe(0);
    fleet.detach();
  });

  it('keeps stale without rejected payloads', () => {
    const clock = { now_ms: 1_000 };
    const { bus, fleet } = fleetAt(clock);
    bus.emit('input_problem', jsonInvalid);
    bus.emit('reading', reading(1_000, { air_temp_c: 3.5 }));
    clock.now_ms = 1_000 + STALE_AFTER_MS + 1;
    expect(fleet.device('room-1')?.health.state).toBe('stale');
    fleet.detach();
  });

  it('puts down before payload errors', () => {
    const { bus, fleet } = fleetAt({ now_ms: 1_000 });
    bus.emit('field_error', fieldMissing);
    bus.emit('device_state', { device_id: 'room-1', up: false, consecutive_failures: 3, last_error: 'timeout' });
    expect(fleet.device('room-1')?.health.state).toBe('down');
    fleet.detach();
  });
});
