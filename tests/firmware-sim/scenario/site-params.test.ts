import { describe, expect, it } from 'vitest';
import { CHILLED_ROOM, FROZEN_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';
import { roomParams, roomSurfaceM2, truckRoute } from '../../../firmware-sim/scenario/site-params.js';
import { siteSchema } from '../../../firmware-sim/scenario/site-schema.js';

const SITE = siteSchema.parse({
  id: 'county',
  ambient: { mean_c: 30 },
  rooms: [
    { id: 'chill', kind: 'chilled' },
    { id: 'freeze', kind: 'frozen' },
    { id: 'thin', kind: 'chilled', insulation: { panel_mm: 50 } },
  ],
  trucks: [
    {
      id: 't',
      route: [
        { name: 'a', lat: 30, lon: 104 },
        { name: 'b', lat: 30.1, lon: 104, ambient_offset_k: 4 },
      ],
    },
  ],
});

describe('roomParams', () => {
  it('matches the default 60 m³ surface', () => {
    expect(roomSurfaceM2(60, 3)).toBeCloseTo(94, 0);
  });

  it('reproduces the default chilled room', () => {
    const params = roomParams(SITE.rooms[0]!, SITE);
    expect(params.wall_ua_w_per_k).toBeCloseTo(CHILLED_ROOM.wall_ua_w_per_k, 0);
    expect(params.rated_capacity_w / CHILLED_ROOM.rated_capacity_w).toBeCloseTo(1, 1);
  });

  it('reproduces the default frozen room', () => {
    const params = roomParams(SITE.rooms[1]!, SITE);
    expect(params.wall_ua_w_per_k).toBeCloseTo(FROZEN_ROOM.wall_ua_w_per_k, 0);
    expect(params.setpoint_c).toBe(-18);
  });

  it('sizes a bigger compressor for thin panels', () => {
    const thick = roomParams(SITE.rooms[0]!, SITE);
    const thin = roomParams(SITE.rooms[2]!, SITE);
    expect(thin.wall_ua_w_per_k).toBeCloseTo(2 * thick.wall_ua_w_per_k, 6);
    expect(thin.rated_capacity_w).toBeGreaterThan(thick.rated_capacity_w);
  });

  it('takes the site climate', () => {
    expect(roomParams(SITE.rooms[0]!, SITE).ambient_mean_c).toBe(30);
  });

  it('converts route minutes to seconds', () => {
    const route = truckRoute(SITE.trucks[0]!);
    expect(route[1]?.dwell_s).toBe(360);
    expect(route[1]?.ambient_offset_k).toBe(4);
  });
});
