import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlarmEntryGateway, emitAlarmEntryReadings, startAlarmEntryGateway } from './alarm-entry-gateway.js';

interface AssetBody {
  asset: string;
  alarm_level: string;
  open_alarms: number;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} returned ${response.status}`);
  return (await response.json()) as T;
}

/** Polls `GET /api/v1/alarms` until truck-1/front has a critical alarm, which the readings raise. */
async function waitForCompartmentCritical(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const alarms = await getJson<Array<{ asset: string; level: string }>>(`${url}/api/v1/alarms`);
    if (alarms.some((alarm) => alarm.asset === 'truck-1/front' && alarm.level === 'critical')) return;
    if (Date.now() > deadline) throw new Error('truck-1/front has no critical alarm after 15 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('asset alarm level with entry alarms', () => {
  let running: AlarmEntryGateway;

  beforeAll(async () => {
    running = await startAlarmEntryGateway();
    emitAlarmEntryReadings(running.gateway);
    await waitForCompartmentCritical(running.url);
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('asset list counts compartment alarms', async () => {
    const assets = await getJson<AssetBody[]>(`${running.url}/api/v1/assets`);
    const truck = assets.find((asset) => asset.asset === 'truck-1');
    expect(truck?.alarm_level).toBe('critical');
    expect(truck?.open_alarms).toBeGreaterThan(0);
  });

  it('site list counts compartment alarms', async () => {
    const sites = await getJson<Array<{ site: string; assets: AssetBody[] }>>(`${running.url}/api/v1/sites`);
    const truck = sites.flatMap((site) => site.assets).find((asset) => asset.asset === 'truck-1');
    expect(truck?.alarm_level).toBe('critical');
  });

  it('whole asset counts compartment alarms', async () => {
    const truck = await getJson<AssetBody>(`${running.url}/api/v1/assets/truck-1`);
    expect(truck.alarm_level).toBe('critical');
    expect(truck.open_alarms).toBeGreaterThan(0);
  });

  it('whole asset chart lists compartment alarms', async () => {
    const chart = await getJson<{ alarms: Array<{ asset: string }>; alarm_assets: string[] }>(
      `${running.url}/api/v1/assets/truck-1/chart?from_ms=${Date.now() - 3_600_000}`,
    );
    expect(chart.alarms.map((alarm) => alarm.asset)).toContain('truck-1/front');
    expect(chart.alarm_assets).toEqual(['truck-1', 'truck-1/front', 'truck-1/rear']);
  });

  it('compartment keeps only its own alarms', async () => {
    const rear = await getJson<AssetBody>(`${running.url}/api/v1/assets/truck-1%2Frear`);
    expect(rear.alarm_level).toBe('none');
  });

  it('room without zone alarms stays clear', async () => {
    const room = await getJson<AssetBody>(`${running.url}/api/v1/assets/room-2`);
    const zoneAlarms = await getJson<unknown[]>(`${running.url}/api/v1/alarms?asset=room-2%2Fnorth`);
    expect(zoneAlarms).toEqual([]);
    expect(room.open_alarms).toBe(0);
  });
});
