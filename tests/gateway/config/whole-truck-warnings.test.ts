import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { wholeTruckAssetWarnings } from '../../../gateway/config/whole-truck-warnings.js';

const FRONT = {
  id: 'truck-1/front',
  kind: 'truck_compartment',
  class: 'frozen',
  match: { asset: 'truck-1', compartment: 'front' },
};
const REAR = {
  id: 'truck-1/rear',
  kind: 'truck_compartment',
  class: 'chilled',
  match: { asset: 'truck-1', compartment: 'rear' },
};
const WHOLE_TRUCK = { id: 'truck-1', kind: 'truck_compartment', class: 'frozen' };

/** Returns the whole-truck warnings of a config with one reefer device and `alarms` as its alarms section. */
function warningsOf(alarms: Record<string, unknown>): string[] {
  const resolved = validateConfig({
    version: 1,
    site: 'north-hub',
    devices: [{ id: 'truck-1', protocol: 'mqtt', topic: 'trucks/1', profile: 'coldpool-reefer' }],
    alarms: { store_path: '/tmp/unused-records.db', ...alarms },
  });
  return wholeTruckAssetWarnings(resolved);
}

describe('whole-truck asset warnings', () => {
  it('warns of a truck beside compartments', () => {
    const warnings = warningsOf({ assets: [WHOLE_TRUCK, FRONT, REAR] });
    expect(warnings).toEqual([
      'alarms.assets[0] (asset truck-1) watches the whole truck "truck-1" beside alarms.assets[1] (asset truck-1/front) ' +
        'and alarms.assets[2] (asset truck-1/rear), which watch its compartments "front" and "rear". Its rules judge ' +
        'the readings of every compartment together under class frozen, and the asset page shows the ' +
        "compartments' readings under their own entries, so truck-1 has no readings of its own there; " +
        'remove alarms.assets[0], or set alarms.assets[0].match.compartment to the one compartment it watches',
    ]);
  });

  it('warns beside one compartment', () => {
    const warnings = warningsOf({ assets: [FRONT, { ...WHOLE_TRUCK, class: 'chilled' }] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^alarms\.assets\[1\] \(asset truck-1\) watches the whole truck "truck-1" beside /);
    expect(warnings[0]).toContain(
      'beside alarms.assets[0] (asset truck-1/front), which watches its compartment "front".',
    );
    expect(warnings[0]).toContain('under class chilled');
  });

  it('follows match.asset of the whole truck', () => {
    const warnings = warningsOf({ assets: [{ ...WHOLE_TRUCK, id: 'truck-1-all', match: { asset: 'truck-1' } }, REAR] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('alarms.assets[0] (asset truck-1-all) watches the whole truck "truck-1"');
    expect(warnings[0]).toContain('remove alarms.assets[0], or set alarms.assets[0].match.compartment');
  });

  it('accepts compartment entries alone', () => {
    expect(warningsOf({ assets: [FRONT, REAR] })).toEqual([]);
  });

  it('accepts a truck without compartment entries', () => {
    expect(warningsOf({ assets: [WHOLE_TRUCK, { id: 'truck-2/front', class: 'frozen' }] })).toEqual([]);
  });

  it('accepts entries of different devices', () => {
    const probe = { ...WHOLE_TRUCK, match: { device: 'probe-a' } };
    const front = { ...FRONT, match: { ...FRONT.match, device: 'probe-b' } };
    expect(warningsOf({ assets: [probe, front] })).toEqual([]);
  });

  it('skips disabled alarms', () => {
    expect(warningsOf({ enabled: false, assets: [WHOLE_TRUCK, FRONT, REAR] })).toEqual([]);
  });
});
