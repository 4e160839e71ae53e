import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlarmEntryGateway, emitAlarmEntryReadings, startAlarmEntryGateway } from './alarm-entry-gateway.js';

interface ChartBody {
  asset: string;
  device_asset: string;
  match: Record<string, string> | null;
  groups: Array<{ profile: string | null; compartment: string | null; mkt_c: number | null }>;
  series: Array<{ device: string; tags: Record<string, string>; points: unknown[] }>;
  alarms: Array<{ asset: string }>;
}

/** Fetches the chart of `asset` over the last hour until it has a point, and returns its body. */
async function chartWithPoints(url: string, asset: string): Promise<ChartBody> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(
      `${url}/api/v1/assets/${encodeURIComponent(asset)}/chart?from_ms=${Date.now() - 3_600_000}`,
    );
    const body = (await response.json()) as ChartBody & { error?: { message: string } };
    if (response.status !== 200)
      throw new Error(`chart of ${asset} returned ${response.status}: ${body.error?.message}`);
    if (body.series.some((series) => series.points.length > 0)) return body;
    if (Date.now() > deadline) throw new Error(`chart of ${asset} has no points after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('asset routes of alarm entries', () => {
  let running: AlarmEntryGateway;

  beforeAll(async () => {
    running = await startAlarmEntryGateway();
    emitAlarmEntryReadings(running.gateway);
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('charts one compartment', async () => {
    const body = await chartWithPoints(running.url, 'truck-1/front');
    expect(body.asset).toBe('truck-1/front');
    expect(body.device_asset).toBe('truck-1');
    expect(body.match).toEqual({ asset: 'truck-1', compartment: 'front' });
    expect(body.series.map((series) => series.tags.compartment)).toEqual(['front']);
    expect(body.groups).toHaveLength(1);
    expect(body.groups[0]?.profile).toBe('truck-1/front');
    expect(body.groups[0]?.mkt_c).toBeCloseTo(-5, 9);
  });

  it('lists the compartment alarms', async () => {
    const body = await chartWithPoints(running.url, 'truck-1/front');
    expect(body.alarms.length).toBeGreaterThan(0);
    expect(new Set(body.alarms.map((alarm) => alarm.asset))).toEqual(new Set(['truck-1/front']));
  });

  it('charts one room zone', async () => {
    const body = await chartWithPoints(running.url, 'room-2/north');
    expect(body.device_asset).toBe('room-2');
    expect(body.series.map((series) => series.device)).toEqual(['room-2-north']);
    expect(body.groups.map((group) => group.profile)).toEqual(['room-2/north']);
    expect(body.groups[0]?.mkt_c).toBeCloseTo(3, 9);
  });

  it('keeps the whole truck', async () => {
    const body = await chartWithPoints(running.url, 'truck-1');
    expect(body.device_asset).toBe('truck-1');
    expect(body.match).toBeNull();
    expect(body.groups.map((group) => group.profile).sort()).toEqual(['truck-1/front', 'truck-1/rear']);
  });

  it('returns the compartment with its device', async () => {
    const response = await fetch(`${running.url}/api/v1/assets/truck-1%2Ffront`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { asset: string; devices: string[]; device_details: unknown[] };
    expect(body.asset).toBe('truck-1/front');
    expect(body.devices).toEqual(['truck-1']);
    expect(body.device_details).toHaveLength(1);
  });

  it('returns the zone with its device', async () => {
    const response = await fetch(`${running.url}/api/v1/assets/room-2%2Fnorth`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { devices: string[] };
    expect(body.devices).toEqual(['room-2-north']);
  });

  it('lists alarm entries per asset', async () => {
    const response = await fetch(`${running.url}/api/v1/assets`);
    const assets = (await response.json()) as Array<{ asset: string; alarm_entries: string[] }>;
    const entries = Object.fromEntries(assets.map((asset) => [asset.asset, asset.alarm_entries]));
    expect(entries).toEqual({ 'room-2': ['room-2/north'], 'truck-1': ['truck-1/front', 'truck-1/rear'] });
  });

  it('names an unknown asset id', async () => {
    for (const path of ['truck-9%2Ffront', 'truck-9%2Ffront/chart']) {
      const response = await fetch(`${running.url}/api/v1/assets/${path}`);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('API_ASSET_NOT_FOUND');
      expect(body.error.message).toContain('asset "truck-9/front" not found');
      expect(body.error.message).toContain('GET /api/v1/assets lists');
      expect(body.error.message).toContain('alarm_entries');
    }
  });
});
