import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../firmware-sim/physics/clock.js';
import { ReeferTruck } from '../../firmware-sim/reefer-truck.js';
import { Collector, startTestBroker, type TestBroker } from './support/aedes-broker.js';

const TOPIC = 'sim/trucks/truck-t/telemetry';

let broker: TestBroker;
let collector: Collector;
let truck: ReeferTruck | undefined;

beforeEach(async () => {
  broker = await startTestBroker();
  collector = await Collector.subscribe(broker.url, 'sim/#');
});

afterEach(async () => {
  await truck?.stop();
  truck = undefined;
  await collector.close();
  await broker.stop();
});

async function startTruck(time_scale = 60): Promise<ReeferTruck> {
  truck = new ReeferTruck({
    device_id: 'truck-t',
    broker_url: broker.url,
    interval_ms: 40,
    clock: new ScaledClock(time_scale),
    seed: 9,
  });
  await truck.start();
  return truck;
}

describe('ReeferTruck', () => {
  it('publishes telemetry at QoS 1', async () => {
    await startTruck();
    const [first] = await collector.waitFor(TOPIC, 1);
    const payload = JSON.parse(first!.payload);
    expect(first!.qos).toBe(1);
    expect(Object.keys(payload)).toEqual([
      'seq',
      'ts',
      'unit_on',
      'door_open',
      'lat',
      'lon',
      'speed_kmh',
      'compartments',
    ]);
    expect(payload.seq).toBe(1);
  });

  it('reports a frozen front and a chilled rear', async () => {
    await startTruck();
    const [first] = await collector.waitFor(TOPIC, 1);
    const [front, rear] = JSON.parse(first!.payload).compartments;
    expect(front).toMatchObject({ id: 'front', setpoint_c: -18 });
    expect(rear).toMatchObject({ id: 'rear', setpoint_c: 3 });
    expect(Math.abs(front.temp_c - -18)).toBeLessThan(2);
    expect(Math.abs(rear.temp_c - 3)).toBeLessThan(2);
  });

  it('drives away from the depot', async () => {
    await startTruck(1200);
    const messages = await collector.waitFor(TOPIC, 40, 10_000);
    const payloads = messages.map((message) => JSON.parse(message.payload));
    expect(payloads.some((p) => p.speed_kmh > 10)).toBe(true);
    expect(payloads.some((p) => p.lat !== payloads[0].lat)).toBe(true);
  });

  it('cuts the unit while the doors are open', async () => {
    await startTruck(1200);
    const messages = await collector.waitFor(TOPIC, 40, 10_000);
    const payloads = messages.map((message) => JSON.parse(message.payload));
    expect(payloads.some((p) => p.door_open)).toBe(true);
    expect(payloads.filter((p) => p.door_open).every((p) => p.unit_on === false)).toBe(true);
  });

  it('sends -127 in every compartment during a probe fault', async () => {
    const device = await startTruck();
    await collector.waitFor(TOPIC, 1);
    device.injectFault('probe_fault');
    const count = collector.on(TOPIC).length;
    const messages = await collector.waitFor(TOPIC, count + 2);
    const compartments = JSON.parse(messages.at(-1)!.payload).compartments;
    expect(compartments.map((c: { temp_c: number }) => c.temp_c)).toEqual([-127, -127]);
  });

  it('sends invalid JSON while malformed', async () => {
    const device = await startTruck();
    await collector.waitFor(TOPIC, 1);
    device.injectFault('malformed');
    const count = collector.on(TOPIC).length;
    const messages = await collector.waitFor(TOPIC, count + 2);
    expect(messages.at(-1)!.payload).toContain('"temp_c":NaN');
    expect(() => JSON.parse(messages.at(-1)!.payload)).toThrow(SyntaxError);
  });

  it('freezes compartment temperatures while stuck', async () => {
    const device = await startTruck(1200);
    await collector.waitFor(TOPIC, 1);
    device.injectFault('stuck');
    const count = collector.on(TOPIC).length;
    // Messages encoded before the fault may still be in flight at a 40 ms interval, so only the last five count.
    const messages = (await collector.waitFor(TOPIC, count + 10)).slice(-5);
    const temps = messages.map((message) => JSON.stringify(JSON.parse(message.payload).compartments));
    expect(new Set(temps).size).toBe(1);
  });
});
