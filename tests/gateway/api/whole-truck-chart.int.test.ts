import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { truckReading } from './api-fixture.js';
import { startWholeTruckGateway, type WholeTruckGateway } from './whole-truck-gateway.js';

interface ChartGroupBody {
  profile: string | null;
  compartment: string | null;
  mkt_c: number | null;
  compartment_profiles: string[];
}

describe('gateway with a whole-truck asset entry', () => {
  let running: WholeTruckGateway;

  beforeAll(async () => {
    running = await startWholeTruckGateway();
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('logs a warning at start', () => {
    const matching = running.warnings.filter((message) => message.startsWith('alarms.assets[0] (asset truck-1)'));
    expect(matching).toHaveLength(1);
    expect(matching[0]).toContain(
      'beside alarms.assets[1] (asset truck-1/front) and alarms.assets[2] (asset truck-1/rear)',
    );
    expect(matching[0]).toContain('remove alarms.assets[0], or set alarms.assets[0].match.compartment');
  });

  it('names the compartment profiles in the chart', async () => {
    const from = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) {
      running.gateway.bus.emit('reading', truckReading(from + i * 1000, 'front', -19));
      running.gateway.bus.emit('reading', truckReading(from + i * 1000, 'rear', 4));
    }
    const response = await fetch(`${running.url}/api/v1/assets/truck-1/chart?from_ms=${from - 1}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { groups: ChartGroupBody[] };
    const truck = body.groups.find((group) => group.profile === 'truck-1');
    expect(truck?.mkt_c).toBeNull();
    expect(truck?.compartment).toBeNull();
    expect(truck?.compartment_profiles).toEqual(['truck-1/front', 'truck-1/rear']);
    const front = body.groups.find((group) => group.profile === 'truck-1/front');
    expect(front?.mkt_c).toBeCloseTo(-19, 9);
    expect(front?.compartment_profiles).toEqual([]);
  });
});
