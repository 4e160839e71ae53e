import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MqttRoomNode } from '../../firmware-sim/mqtt-room-node.js';
import { ManualClock } from '../../firmware-sim/physics/clock.js';
import { Collector, startTestBroker, type TestBroker } from './support/aedes-broker.js';

const START_MS = Date.parse('2026-07-15T22:00:00+08:00');

describe('MqttRoomNode on a scheduled clock', () => {
  let broker: TestBroker;
  let collector: Collector;

  beforeEach(async () => {
    broker = await startTestBroker();
    collector = await Collector.subscribe(broker.url, '#');
  });

  afterEach(async () => {
    await collector.close();
    await broker.stop();
  });

  it('publishes only when ticked', async () => {
    const clock = new ManualClock(START_MS);
    const node = new MqttRoomNode({
      device_id: 'n1',
      broker_url: broker.url,
      clock,
      publish_on_timer: false,
      interval_ms: 10,
    });
    await node.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(collector.on(node.topic)).toHaveLength(0);
    clock.advance(60_000);
    await node.tick();
    const [message] = await collector.waitFor(node.topic, 1);
    expect(JSON.parse(message!.payload).ts).toBe(START_MS + 60_000);
    await node.stop();
  });

  it('stamps a clock jump', async () => {
    const clock = new ManualClock(START_MS);
    const node = new MqttRoomNode({ device_id: 'n2', broker_url: broker.url, clock, publish_on_timer: false });
    await node.start();
    node.jumpClock(-3_600_000);
    await node.tick();
    const [message] = await collector.waitFor(node.topic, 1);
    expect(JSON.parse(message!.payload).ts).toBe(START_MS - 3_600_000);
    await node.stop();
  });

  it('publishes ChirpStack uplinks with fCnt', async () => {
    const clock = new ManualClock(START_MS);
    const node = new MqttRoomNode({
      device_id: 'lora-7',
      broker_url: broker.url,
      clock,
      publish_on_timer: false,
      dialect: 'chirpstack_v4',
      lorawan: { device_id: 'lora-7', application: 'county' },
    });
    await node.start();
    await node.tick();
    await node.tick();
    const messages = await collector.waitFor(node.topic, 2);
    expect(node.topic).toMatch(/^application\/county\/device\/[0-9a-f]{16}\/event\/up$/);
    expect(messages.map((m) => JSON.parse(m.payload).fCnt)).toEqual([1, 2]);
    await node.stop();
  });

  it('drifts the reported temperature', async () => {
    const clock = new ManualClock(START_MS);
    const node = new MqttRoomNode({ device_id: 'n3', broker_url: broker.url, clock, publish_on_timer: false, seed: 4 });
    node.model.params.probe_noise_k = 0;
    await node.start();
    node.drift.start(START_MS, 6);
    clock.advance(3_600_000);
    await node.tick();
    const [message] = await collector.waitFor(node.topic, 1);
    const reported_c = JSON.parse(message!.payload).temp_c;
    expect(reported_c - node.model.state.air_c).toBeGreaterThan(5.8);
    await node.stop();
  });
});
