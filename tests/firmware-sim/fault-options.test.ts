import { describe, expect, it } from 'vitest';
import {
  collectFaultOption,
  FaultOptionError,
  fleetFaults,
  parseFaultOption,
  unitFaults,
} from '../../firmware-sim/fault-options.js';
import { plannedDevices } from '../../firmware-sim/fleet.js';

const FLEET = plannedDevices({ rooms: 2, controllers: 1, trucks: 1 });

function fleet(...texts: string[]) {
  return fleetFaults(
    texts.map((text) => parseFaultOption(text)),
    FLEET,
  );
}

function units(...texts: string[]) {
  return unitFaults(
    texts.map((text) => parseFaultOption(text)),
    [1, 2],
  );
}

describe('parseFaultOption', () => {
  it('splits target, key and value', () => {
    expect(parseFaultOption('ctrl-1:drop_share=0.2')).toEqual({ target: 'ctrl-1', key: 'drop_share', value: '0.2' });
  });

  it.each(['ctrl-1', 'ctrl-1:drop_share', 'drop_share=1', ':drop_share=1', 'ctrl-1:=1', 'ctrl-1:drop_share='])(
    'rejects "%s"',
    (text) => {
      expect(() => parseFaultOption(text)).toThrow(FaultOptionError);
      expect(() => parseFaultOption(text)).toThrow(`--fault ${text} is invalid: expected TARGET:KEY=VALUE`);
    },
  );

  it('collects repeated options', () => {
    const first = collectFaultOption('room-1:fault=stuck');
    expect(collectFaultOption('room-2:noise_share=0.5', first)).toHaveLength(2);
  });
});

describe('fleetFaults', () => {
  it('lists the planned fleet', () => {
    expect(FLEET.map((device) => device.id)).toEqual(['room-1', 'room-2', 'ctrl-1', 'truck-1']);
  });

  it('fills Modbus wire defaults', () => {
    expect(fleet('ctrl-1:late_share=1').get('ctrl-1')?.modbus_wire).toEqual({
      late_share: 1,
      late_ms: 1500,
      exception_share: 0,
      drop_share: 0,
    });
  });

  it('merges keys of one device', () => {
    const faults = fleet('ctrl-1:late_share=0.5', 'ctrl-1:late_ms=800', 'ctrl-1:fault=probe_fault');
    expect(faults.get('ctrl-1')?.modbus_wire?.late_share).toBe(0.5);
    expect(faults.get('ctrl-1')?.modbus_wire?.late_ms).toBe(800);
    expect(faults.get('ctrl-1')?.fault).toBe('probe_fault');
  });

  it('reads MQTT wire faults of rooms and trucks', () => {
    const faults = fleet('room-1:fragment_share=0.3', 'truck-1:late_s=60');
    expect(faults.get('room-1')?.mqtt_wire?.fragment_share).toBe(0.3);
    expect(faults.get('truck-1')?.mqtt_wire?.late_s).toBe(60);
  });

  it('reads events and drift', () => {
    const faults = fleet(
      'room-2:drift_k_per_h=6',
      'room-2:door_open_s=120',
      'room-2:compressor_failed=true',
      'room-2:defrost_stuck=true',
      'room-2:power_cut=true',
    );
    expect(faults.get('room-2')).toEqual({
      drift_k_per_h: 6,
      door_open_s: 120,
      compressor_failed: true,
      defrost_stuck: true,
      power_cut: true,
    });
  });

  it('rejects an unknown device', () => {
    expect(() => fleet('ctrl-9:drop_share=1')).toThrow(
      'device "ctrl-9" is not in the fleet: use one of room-1, room-2, ctrl-1, truck-1',
    );
  });

  it('rejects a key of another protocol', () => {
    expect(() => fleet('room-1:drop_share=1')).toThrow('a room_node has no fault "drop_share": use one of fault,');
    expect(() => fleet('ctrl-1:fragment_share=1')).toThrow('a controller has no fault "fragment_share"');
  });

  it('rejects prototype keys', () => {
    expect(() => fleet('room-1:toString=1')).toThrow('has no fault "toString"');
  });

  it.each([
    ['ctrl-1:drop_share=1.5', 'drop_share takes a number from 0 to 1'],
    ['ctrl-1:drop_share=abc', 'drop_share takes a number from 0 to 1'],
    ['ctrl-1:late_ms=2.5', 'late_ms takes a whole number from 0 to 60000'],
    ['room-1:compressor_failed=yes', 'compressor_failed takes true or false'],
    ['room-1:fault=frozen', 'fault takes one of probe_fault, probe_disconnected, stuck, disconnect, malformed'],
    ['ctrl-1:fault=malformed', 'a controller has no JSON to break'],
  ])('rejects %s', (text, message) => {
    expect(() => fleet(text)).toThrow(message);
    expect(() => fleet(text)).toThrow(`--fault ${text} is invalid`);
  });

  it('rejects a power cut beside a controller fault', () => {
    expect(() => fleet('ctrl-1:power_cut=true', 'ctrl-1:fault=stuck')).toThrow(/cannot also show fault=stuck/);
  });
});

describe('unitFaults', () => {
  it('reads every unit fault', () => {
    const faults = units(
      '1:silent=false',
      '1:echo=true',
      '1:fragment=true',
      '1:noise_bytes=4',
      '1:corrupt_share=0.1',
      '1:exception=6',
      '1:delay_ms=250',
    );
    expect(faults.get(1)).toEqual({
      silent: false,
      echo: true,
      fragment: true,
      noise_bytes: 4,
      corrupt_share: 0.1,
      exception: 6,
      delay_ms: 250,
    });
  });

  it.each([
    ['3:echo=true', 'unit 3 is not simulated: use one of 1, 2'],
    ['one:echo=true', 'unit one is not simulated'],
    ['1:jitter=5', 'a unit has no fault "jitter": use one of silent, echo, fragment, noise_bytes'],
    ['1:exception=0', 'exception takes a whole number from 1 to 255'],
    ['1:echo=1', 'echo takes true or false'],
  ])('rejects %s', (text, message) => {
    expect(() => units(text)).toThrow(message);
  });
});
