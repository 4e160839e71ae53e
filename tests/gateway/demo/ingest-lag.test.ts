import { describe, expect, it } from 'vitest';
import { IngestLag, ingestLagMessage } from '../../../gateway/demo/ingest-lag.js';
import { EventBus } from '../../../gateway/events.js';
import type { Reading } from '../../../gateway/reading.js';

const START = Date.UTC(2026, 11, 4, 15, 0, 0);

function reading(time_ms: number, time_source: Reading['time_source'] = 'source'): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'room-1', device: 'room-1' },
    fields: { air_temp_c: 2 },
    integer_fields: new Set(),
    time_ms,
    time_source,
  };
}

/** Builds an `IngestLag` on a new bus with a clock that the test moves. */
function setup(): { bus: EventBus; lag: IngestLag; clock: { now: number } } {
  const bus = new EventBus();
  const clock = { now: START };
  const lag = new IngestLag(bus, { interval_ms: 5, stamping_devices: 5, now: () => clock.now });
  return { bus, lag, clock };
}

describe('IngestLag', () => {
  it('reports readings that arrive late', () => {
    const { bus, lag, clock } = setup();
    clock.now = START + 10_000;
    for (let i = 0; i < 500; i++) bus.emit('reading', reading(START + i));
    const report = lag.check();
    expect(report?.max_lag_ms).toBe(10_000);
    expect(report?.received_per_s).toBe(50);
    expect(report?.interval_ms).toBe(5);
    // Five devices at 50 readings/s together kept a 100 ms interval; with the margin, 125 ms.
    expect(report?.suggested_interval_ms).toBe(125);
  });

  it('stays quiet while readings arrive on time', () => {
    const { bus, lag, clock } = setup();
    clock.now = START + 5000;
    bus.emit('reading', reading(START + 4900));
    expect(lag.check()).toBeUndefined();
  });

  it('ignores receive-time readings', () => {
    const { bus, lag, clock } = setup();
    clock.now = START + 60_000;
    bus.emit('reading', reading(START, 'receive'));
    expect(lag.check()).toBeUndefined();
  });

  it('reports at most once a minute', () => {
    const { bus, lag, clock } = setup();
    clock.now = START + 10_000;
    bus.emit('reading', reading(START));
    expect(lag.check()).toBeDefined();
    clock.now += 5000;
    bus.emit('reading', reading(START));
    expect(lag.check()).toBeUndefined();
    clock.now += 60_000;
    bus.emit('reading', reading(START));
    expect(lag.check()).toBeDefined();
  });
});

describe('ingestLagMessage', () => {
  it('names the lag, the rate and the fix', () => {
    const message = ingestLagMessage({
      max_lag_ms: 27_400,
      received_per_s: 380.2,
      interval_ms: 5,
      suggested_interval_ms: 20,
    });
    expect(message).toBe(
      'the gateway received readings up to 27 s after the simulated devices stamped them, because it processes ' +
        'fewer readings than --interval-ms 5 makes (380 device-stamped readings/s arrived). Use --interval-ms 20 or more',
    );
  });
});
