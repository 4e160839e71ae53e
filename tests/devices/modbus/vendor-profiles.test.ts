import { describe, expect, it } from 'vitest';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import { planRequests } from '../../../devices/modbus/request-plan.js';
import { builtInProfiles } from '../../../gateway/config/load.js';

/** Normalised points each profile maps; a point missing here has no confirmed source for its address. */
const EXPECTED_POINTS: Record<string, string[]> = {
  'generic-tenths-c': [
    'air_temp_c',
    'evap_temp_c',
    'product_temp_c',
    'setpoint_c',
    'compressor_on',
    'defrost_on',
    'fans_on',
    'door_open',
    'high_temp_alarm',
    'low_temp_alarm',
    'probe_alarm',
  ],
  'dixell-xr60cx': [
    'air_temp_c',
    'evap_temp_c',
    'product_temp_c',
    'setpoint_c',
    'compressor_on',
    'defrost_on',
    'fans_on',
    'probe_alarm',
  ],
  'carel-ir33-plus': [
    'air_temp_c',
    'evap_temp_c',
    'product_temp_c',
    'compressor_on',
    'defrost_on',
    'fans_on',
    'door_open',
    'high_temp_alarm',
    'low_temp_alarm',
    'probe_alarm',
  ],
  'danfoss-ekc202': [
    'air_temp_c',
    'evap_temp_c',
    'product_temp_c',
    'setpoint_c',
    'compressor_on',
    'defrost_on',
    'fans_on',
    'door_open',
    'high_temp_alarm',
    'low_temp_alarm',
    'probe_alarm',
  ],
};

function registers(name: string): RegisterField[] {
  const profile = builtInProfiles()[name];
  if (!profile?.registers) throw new Error(`profile ${name} has no registers`);
  return profile.registers.map((field) => ({ ...field }));
}

describe('vendor-profiles', () => {
  it.each(Object.keys(EXPECTED_POINTS))('%s loads as a modbus profile', (name) => {
    const profile = builtInProfiles()[name];
    expect(profile?.protocol).toBe('modbus');
    expect(profile?.measurement).toBe('cold_room');
    expect(profile?.manual).toBeTruthy();
  });

  it.each(Object.entries(EXPECTED_POINTS))('%s maps the normalised points', (name, points) => {
    const names = registers(name).map((field) => field.name);
    for (const point of points) expect(names).toContain(point);
  });

  it.each(Object.keys(EXPECTED_POINTS))('%s plans valid requests', (name) => {
    const plan = planRequests(registers(name), { max_gap: 8 });
    expect(plan.length).toBeGreaterThan(0);
    for (const request of plan) expect(request.quantity).toBeLessThanOrEqual(125);
  });

  it.each(Object.keys(EXPECTED_POINTS))('%s temperatures are tenths', (name) => {
    const temperatures = registers(name).filter((field) => field.name.endsWith('_temp_c'));
    for (const field of temperatures) {
      expect(field.data_type).toBe('int16');
      expect(field.scale).toBe(0.1);
      expect(field.unit).toBe('C');
    }
  });
});
