import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample } from '../../harness/prometheus-sample.js';
import { type ApiFixture, createApiFixture, roomReading } from './api-fixture.js';

describe('prometheus metrics', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('uses the prometheus content type', async () => {
    const response = await fixture.app.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
  });

  it('counts readings per device', async () => {
    fixture.publish(roomReading(Date.now() - 1000, 4));
    fixture.publish(roomReading(Date.now(), 4.5));
    const text = (await fixture.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'coldpool_readings_total{device="room-1"}')).toBe(2);
  });

  it('counts timestamp collisions per device', async () => {
    const collision = { device_id: 'room-1', measurement: 'cold_room', time_ms: 1_000, field: 'air_temp_c' };
    fixture.bus.emit('timestamp_collision', collision);
    fixture.bus.emit('timestamp_collision', collision);
    fixture.bus.emit('timestamp_collision', { ...collision, device_id: 'ctrl-1' });
    const text = (await fixture.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'coldpool_timestamp_collisions_total{device="room-1"}')).toBe(2);
    expect(sample(text, 'coldpool_timestamp_collisions_total{device="ctrl-1"}')).toBe(1);
  });

  it('keeps counters steady across scrapes', async () => {
    fixture.publish(roomReading(Date.now(), 4));
    await fixture.app.inject({ url: '/metrics' });
    const text = (await fixture.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'coldpool_readings_total{device="room-1"}')).toBe(1);
  });

  it('reports device up and down', async () => {
    fixture.publish(roomReading(Date.now(), 4));
    fixture.bus.emit('device_state', { device_id: 'ctrl-1', up: false, consecutive_failures: 2 });
    const text = (await fixture.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'coldpool_device_up{device="room-1"}')).toBe(1);
    expect(sample(text, 'coldpool_device_up{device="ctrl-1"}')).toBe(0);
  });

  it('reports output counters', async () => {
    fixture.publish(roomReading(Date.now(), 4));
    const text = (await fixture.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'coldpool_output_points_written_total{output="local_store"}')).toBe(1);
    expect(sample(text, 'coldpool_output_points_pending{output="local_store"}')).toBe(0);
  });

  it('exposes the gateway error counters', async () => {
    const text = (await fixture.app.inject({ url: '/metrics' })).body;
    for (const name of [
      'coldpool_alarm_readings_total',
      'coldpool_sensor_faults_total',
      'coldpool_payload_errors_total',
      'coldpool_poll_errors_total',
    ]) {
      expect(sample(text, name)).toBe(0);
    }
  });
});
