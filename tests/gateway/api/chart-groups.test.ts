import { describe, expect, it } from 'vitest';
import { type ChartProfile, chartGroups, profileOfSeries } from '../../../gateway/api/history/chart-groups.js';

const TRUCK: ChartProfile = { id: 'truck-1', match: { asset: 'truck-1' }, low_c: 0, high_c: 8 };
const FRONT: ChartProfile = {
  id: 'truck-1/front',
  match: { asset: 'truck-1', compartment: 'front' },
  low_c: null,
  high_c: -18,
};
const REAR: ChartProfile = {
  id: 'truck-1/rear',
  match: { asset: 'truck-1', compartment: 'rear' },
  low_c: 2,
  high_c: 8,
};

function tags(compartment?: string): Record<string, string> {
  return { asset: 'truck-1', device: 'truck-1', ...(compartment ? { compartment } : {}) };
}

describe('profileOfSeries', () => {
  it('prefers the compartment profile', () => {
    expect(profileOfSeries([TRUCK, FRONT, REAR], tags('front'))?.id).toBe('truck-1/front');
  });

  it('falls back to the asset profile', () => {
    expect(profileOfSeries([TRUCK, FRONT], tags('rear'))?.id).toBe('truck-1');
  });

  it('returns none for a tie', () => {
    expect(profileOfSeries([FRONT, REAR], tags())).toBeUndefined();
  });

  it('returns none for another asset', () => {
    expect(profileOfSeries([FRONT], { asset: 'truck-2', compartment: 'front' })).toBeUndefined();
  });
});

describe('chartGroups', () => {
  it('splits one profile by compartment', () => {
    const series = [
      { tags: tags('front'), points: [{ mean: -18, count: 4 }] },
      { tags: tags('rear'), points: [{ mean: 3, count: 4 }] },
    ];
    const { groups, series_profiles } = chartGroups(series, [TRUCK]);
    expect(series_profiles).toEqual(['truck-1', 'truck-1']);
    expect(groups.map((group) => group.compartment)).toEqual(['front', 'rear']);
    expect(groups[0]?.mkt_c).toBeCloseTo(-18, 9);
    expect(groups[1]?.mkt_c).toBeCloseTo(3, 9);
    expect(groups[1]?.limits).toEqual({ min_c: 0, max_c: 8 });
  });

  it('merges series of one compartment', () => {
    const series = [
      { tags: { ...tags('front'), device: 'probe-a' }, points: [{ mean: -20, count: 1 }] },
      { tags: { ...tags('front'), device: 'probe-b' }, points: [{ mean: -20, count: 3 }] },
    ];
    const { groups } = chartGroups(series, [FRONT, REAR]);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toEqual({
      profile: 'truck-1/front',
      compartment: 'front',
      mkt_c: expect.closeTo(-20, 9),
      limits: { max_c: -18 },
      compartment_profiles: [],
    });
    expect(groups[1]).toEqual({
      profile: 'truck-1/rear',
      compartment: 'rear',
      mkt_c: null,
      limits: { min_c: 2, max_c: 8 },
      compartment_profiles: [],
    });
  });

  it('groups unmatched series without limits', () => {
    const { groups, series_profiles } = chartGroups([{ tags: tags(), points: [{ mean: 5, count: 2 }] }], []);
    expect(series_profiles).toEqual([null]);
    expect(groups).toEqual([
      { profile: null, compartment: null, mkt_c: expect.closeTo(5, 9), limits: {}, compartment_profiles: [] },
    ]);
  });

  it('names compartment profiles of a whole truck', () => {
    const series = [
      { tags: tags('front'), points: [{ mean: -19, count: 4 }] },
      { tags: tags('rear'), points: [{ mean: 4, count: 4 }] },
    ];
    const { groups, series_profiles } = chartGroups(series, [TRUCK, FRONT, REAR]);
    expect(series_profiles).toEqual(['truck-1/front', 'truck-1/rear']);
    const truck = groups.find((group) => group.profile === 'truck-1');
    expect(truck?.mkt_c).toBeNull();
    expect(truck?.compartment_profiles).toEqual(['truck-1/front', 'truck-1/rear']);
    const front = groups.find((group) => group.profile === 'truck-1/front');
    expect(front?.compartment_profiles).toEqual([]);
  });

  it('names compartment profiles beside a truck with series', () => {
    const series = [
      { tags: tags('front'), points: [{ mean: -19, count: 4 }] },
      { tags: tags('rear'), points: [{ mean: 4, count: 4 }] },
    ];
    const { groups, series_profiles } = chartGroups(series, [TRUCK, FRONT]);
    expect(series_profiles).toEqual(['truck-1/front', 'truck-1']);
    const truck = groups.find((group) => group.profile === 'truck-1');
    expect(truck?.compartment).toBe('rear');
    expect(truck?.mkt_c).toBeCloseTo(4, 9);
    expect(truck?.compartment_profiles).toEqual(['truck-1/front']);
  });

  it('rounds mkt_c to report decimals', () => {
    // 2 °C and 12 °C in equal parts have an MKT of 8.4141… °C with ΔH/R = 10000 K.
    const points = [
      { mean: 2, count: 1 },
      { mean: 12, count: 1 },
    ];
    const { groups } = chartGroups([{ tags: tags('rear'), points }], [REAR]);
    expect(groups[0]?.mkt_c).toBe(8.41);
  });

  it('rounds a small negative mkt_c to 0', () => {
    const { groups } = chartGroups([{ tags: tags('rear'), points: [{ mean: -0.001, count: 1 }] }], [REAR]);
    expect(Object.is(groups[0]?.mkt_c, 0)).toBe(true);
  });
});
