import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MqttRoomNode } from '../../firmware-sim/mqtt-room-node.js';
import { ScaledClock } from '../../firmware-sim/physics/clock.js';
import { FROZEN_ROOM } from '../../firmware-sim/physics/cold-room-params.js';
import { Collector, startTestBroker, type TestBroker } from './support/aedes-broker.js';

let broker: TestBroker;
let collector: Collector;
let node: MqttRoomNode | undefined;

beforeEach(async () => {
  broker = await startTestBroker();
  collector = await Collector.subscribe(broker.url, 'sim/#');
});

afterEach(async () => {
  await node?.stop();
  node = undefined;
  await collector.close();
  await broker.stop();
});

async function startNode(dialect: 'celsius' | 'fahrenheit' = 'celsius'): Promise<MqttRoomNode> {
  node = new MqttRoomNode({
    device_id: 'room-t',
    broker_url: broker.url,
    interval_ms: 40,
    clock: new ScaledClock(600),
    dialect,
    params: FROZEN_ROOM,
    seed: 5,
  });
  await node.start();
  return node;
}

const TOPIC = 'sim/rooms/room-t/state';

describe('MqttRoomNode', () => {
  it('publishes celsius state at QoS 1', async () => {
    await startNode();
    const [first] = await collector.waitFor(TOPIC, 1);
    const payload = JSON.parse(first!.payload);
    expect(first!.qos).toBe(1);
    expect(Object.keys(payload)).toEqual(['seq', 'ts', 'temp_c', 'rh_pct', 'door_open', 'battery_pct']);
    expect(Number.isInteger(payload.ts)).toBe(true);
    expect(payload.temp_c).toBeGreaterThan(-21);
    expect(payload.temp_c).toBeLessThan(-15);
  });

  it('numbers messages from 1 up by one', async () => {
    await startNode();
    const messages = await collector.waitFor(TOPIC, 5);
    const seqs = messages.map((message) => JSON.parse(message.payload).seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });

  it('advances ts with the time scale', async () => {
    await startNode();
    const messages = await collector.waitFor(TOPIC, 4);
    const first = JSON.parse(messages[0]!.payload).ts;
    const last = JSON.parse(messages[3]!.payload).ts;
    expect(last - first).toBeGreaterThanOrEqual(3 * 40 * 600 * 0.8);
  });

  it('publishes the fahrenheit dialect', async () => {
    await startNode('fahrenheit');
    const [first] = await collector.waitFor(TOPIC, 1);
    const payload = JSON.parse(first!.payload);
    expect(Object.keys(payload)).toEqual(['seq', 'time', 'temperature_f', 'humidity', 'door']);
    expect(new Date(payload.time).toISOString()).toBe(payload.time);
    expect(payload.temperature_f).toBeGreaterThan(-6);
    expect(payload.temperature_f).toBeLessThan(5);
  });

  it('sends -127 during a probe fault', async () => {
    const device = await startNode();
    await collector.waitFor(TOPIC, 1);
    device.injectFault('probe_fault');
    const count = collector.on(TOPIC).length;
    const messages = await collector.waitFor(TOPIC, count + 2);
    expect(JSON.parse(messages.at(-1)!.payload).temp_c).toBe(-127);
  });

  it('sends 327.67 °F during a fahrenheit probe fault', async () => {
    const device = await startNode('fahrenheit');
    await collector.waitFor(TOPIC, 1);
    device.injectFault('probe_fault');
    const count = collector.on(TOPIC).length;
    const messages = await collector.waitFor(TOPIC, count + 2);
    expect(JSON.parse(messages.at(-1)!.payload).temperature_f).toBe(327.67);
  });

  it('sends invalid JSON while malformed', async () => {
    const device = await startNode();
    await collector.waitFor(TOPIC, 1);
    device.injectFault('malformed');
    const count = collector.on(TOPIC).length;
    const messages = await collector.waitFor(TOPIC, count + 2);
    const last = messages.at(-1)!.payload;
    expect(last).toContain('"temp_c":NaN');
    expect(() => JSON.parse(last)).toThrow(SyntaxError);
  });

  it('freezes values but not seq while stuck', async () => {
    const device = await startNode();
    await collector.waitFor(TOPIC, 1);
    device.injectFault('stuck');
    const count = collector.on(TOPIC).length;
    const messages = (await collector.waitFor(TOPIC, count + 6)).slice(count + 1);
    const payloads = messages.map((message) => JSON.parse(message.payload));
    expect(new Set(payloads.map((p) => p.temp_c)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.rh_pct)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.seq)).size).toBe(payloads.length);
  });

  it('stops publishing while disconnected and resumes after', async () => {
    const device = await startNode();
    await collector.waitFor(TOPIC, 2);
    device.injectFault('disconnect');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = collector.on(TOPIC).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(collector.on(TOPIC).length).toBe(during);
    device.clearFault();
    const messages = await collector.waitFor(TOPIC, during + 2);
    const seqs = messages.map((message) => JSON.parse(message.payload).seq);
    expect(seqs.at(-1)! - seqs.at(-2)!).toBe(1);
    expect(seqs.at(-1)).toBe(messages.length);
  });

  it('reconnects when another fault replaces disconnect', async () => {
    const device = await startNode();
    await collector.waitFor(TOPIC, 1);
    device.injectFault('disconnect');
    await new Promise((resolve) => setTimeout(resolve, 100));
    device.injectFault('probe_fault');
    const count = collector.on(TOPIC).length;
    const messages = await collector.waitFor(TOPIC, count + 2);
    expect(JSON.parse(messages.at(-1)!.payload).temp_c).toBe(-127);
  });

  it('rejects start when no broker listens', async () => {
    const url = broker.url;
    await collector.close();
    await broker.stop();
    const orphan = new MqttRoomNode({ device_id: 'room-x', broker_url: url });
    await expect(orphan.start()).rejects.toMatchObject({ code: 'SIM_BROKER_CONNECT_FAILED' });
    broker = await startTestBroker();
    collector = await Collector.subscribe(broker.url, 'sim/#');
  });
});
