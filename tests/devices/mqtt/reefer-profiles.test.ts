import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../../devices/mqtt/json-codec.js';
import type { PayloadMapping } from '../../../devices/mqtt/payload-mapping.js';
import type { DeviceSample } from '../../../devices/sample.js';
import { builtInProfiles } from '../../../gateway/config/load.js';
import { REEFER_TWO_ZONES, REEFER_ZONE_OFF } from '../../fixtures/mqtt/reefer-zones-payloads.js';

const context = { receive_time_ms: 1_796_396_460_000, retained: false };

function zonesMapping(): PayloadMapping {
  const payload = builtInProfiles()['reefer-zones']?.payload;
  if (payload === undefined) throw new Error('built-in profile reefer-zones has no payload mapping');
  return payload as PayloadMapping;
}

function decode(payload: string): DeviceSample[] {
  return decodePayload('reefer-12', Buffer.from(payload), zonesMapping(), context);
}

function fieldValues(sample: DeviceSample | undefined): Record<string, unknown> {
  return Object.fromEntries((sample?.fields ?? []).map((field) => [field.spec.name, field.value]));
}

describe('reefer-zones profile', () => {
  it('loads as built-in profile', () => {
    expect(builtInProfiles()['reefer-zones']?.measurement).toBe('reefer');
  });

  it('emits one sample per zone', () => {
    expect(decode(REEFER_TWO_ZONES).map((sample) => sample.tags)).toEqual([{ zone: '1' }, { zone: '2' }]);
  });

  it('reads zone air temperatures', () => {
    const [front, rear] = decode(REEFER_TWO_ZONES).map(fieldValues);
    expect(front).toMatchObject({ setpoint_c: -20, return_air_c: -19.4, supply_air_c: -21.8, zone_mode: 'cool' });
    expect(rear).toMatchObject({ setpoint_c: 2, return_air_c: 3.1, supply_air_c: 6.5, zone_mode: 'defrost' });
  });

  it('adds unit state to every zone', () => {
    const samples = decode(REEFER_TWO_ZONES).map(fieldValues);
    for (const values of samples) {
      expect(values).toMatchObject({ engine_on: true, door_open: false, ambient_temp_c: 31.2, fuel_level_pct: 64 });
    }
  });

  it('reads event time and sequence', () => {
    const [sample] = decode(REEFER_TWO_ZONES);
    expect(sample?.source_time_ms).toBe(Date.UTC(2026, 11, 4, 15));
    expect(sample?.sequence).toBe(88);
  });

  it('reports no errors for full payload', () => {
    expect(decode(REEFER_TWO_ZONES).flatMap((sample) => sample.errors)).toEqual([]);
  });

  it('reports missing air of zone off', () => {
    const [sample] = decode(REEFER_ZONE_OFF);
    expect(fieldValues(sample).zone_on).toBe(false);
    expect(sample?.errors.map((error) => `${error.field} ${error.code}`)).toEqual([
      'return_air_c FIELD_MISSING',
      'supply_air_c FIELD_MISSING',
    ]);
  });
});
