import { describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { matchesAsset, resolveAssetProfiles } from '../../../gateway/alarms/asset-profile.js';

function profilesOf(input: unknown) {
  return resolveAssetProfiles(alarmConfigSchema.parse(input));
}

describe('alarm config', () => {
  it('fills defaults for an empty section', () => {
    const config = alarmConfigSchema.parse({});
    expect(config.no_data.timeout_s).toBe(900);
    expect(config.records.storage_interval_s).toBe(1800);
    expect(config.records.transport_interval_s).toBe(300);
    expect(config.records.out_of_range_interval_s).toBe(120);
    expect(config.notify.escalation.length).toBe(2);
  });

  it('gives a chilled room the chilled range and rules', () => {
    const [room] = profilesOf({ assets: [{ id: 'room-1', class: 'chilled' }] });
    expect(room?.low_c).toBe(0);
    expect(room?.high_c).toBe(5);
    expect(room?.rules.map((rule) => rule.id)).toContain('high_alarm');
    expect(room?.temperature_field).toBe('air_temp_c');
    expect(room?.rate?.rate_c_per_min).toBe(0.25);
  });

  it('watches box_temp_c in a truck compartment', () => {
    const [front] = profilesOf({
      assets: [{ id: 'truck-1/front', kind: 'truck_compartment', class: 'frozen', match: { asset: 'truck-1' } }],
    });
    expect(front?.temperature_field).toBe('box_temp_c');
    expect(front?.match.asset).toBe('truck-1');
  });

  it('applies class then asset overrides key by key', () => {
    const [room] = profilesOf({
      classes: { chilled: { rate: { rate_c_per_min: 0.1 }, door: { max_open_s: 120 } } },
      assets: [{ id: 'room-1', class: 'chilled', rate: { window_s: 1200 } }],
    });
    expect(room?.rate?.rate_c_per_min).toBe(0.1);
    expect(room?.rate?.window_s).toBe(1200);
    expect(room?.door.max_open_s).toBe(120);
    expect(room?.door.grace_s).toBe(600);
  });

  it('turns the rate rule off', () => {
    const [room] = profilesOf({ assets: [{ id: 'room-1', class: 'chilled', rate: { enabled: false } }] });
    expect(room?.rate).toBeNull();
  });

  it('derives custom rules from the range', () => {
    const [room] = profilesOf({ assets: [{ id: 'r', class: 'custom', low_c: 10, high_c: 12 }] });
    const high = room?.rules.find((rule) => rule.id === 'high_alarm');
    expect(high?.threshold_c).toBe(13);
  });

  it('rejects a custom class without a range', () => {
    const result = alarmConfigSchema.safeParse({ assets: [{ id: 'r', class: 'custom' }] });
    expect(result.success).toBe(false);
  });

  it('rejects repeated asset ids', () => {
    const result = alarmConfigSchema.safeParse({
      assets: [
        { id: 'r', class: 'chilled' },
        { id: 'r', class: 'frozen' },
      ],
    });
    expect(result.success).toBe(false);
  });

  it('rejects an unknown key', () => {
    const result = alarmConfigSchema.safeParse({ assets: [{ id: 'r', class: 'chilled', on_delay: 5 }] });
    expect(result.success).toBe(false);
  });

  it('rejects two rules with the same id', () => {
    const rule = { direction: 'high', level: 'alarm', threshold_c: 5 };
    expect(() => profilesOf({ assets: [{ id: 'r', class: 'chilled', rules: [rule, rule] }] })).toThrow(/high_alarm/);
  });

  it('matches readings by asset and compartment tags', () => {
    const [front] = profilesOf({
      assets: [
        { id: 't/front', kind: 'truck_compartment', class: 'frozen', match: { asset: 't', compartment: 'front' } },
      ],
    });
    if (!front) throw new Error('no profile');
    expect(matchesAsset(front, { asset: 't', compartment: 'front', device: 'd' })).toBe(true);
    expect(matchesAsset(front, { asset: 't', compartment: 'rear', device: 'd' })).toBe(false);
    expect(matchesAsset(front, { asset: 't', device: 'd' })).toBe(true);
    expect(matchesAsset(front, { asset: 'u', compartment: 'front', device: 'd' })).toBe(false);
  });
});
