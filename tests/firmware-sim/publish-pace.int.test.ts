/**
 * A simulated fleet that cannot publish at its interval, here because the main thread is kept busy as on
 * an overloaded machine, must log a warning with the requested and achieved rates and a longer interval. A
 * fleet that keeps its interval must stay quiet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../firmware-sim/fleet.js';
import { type PaceReport, paceWarningMessage } from '../../firmware-sim/publish-pace.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';

/** One measuring window of a fleet with a short interval, plus time for its timer to fire. */
const WINDOW_WAIT_MS = 5800;

let mosquitto: Mosquitto;

beforeAll(async () => {
  mosquitto = await startMosquitto();
});

afterAll(async () => {
  await mosquitto?.stop();
});

/** Starts a fleet of one room node on `broker_url` that collects its pace reports in `reports`. */
function startRoomFleet(broker_url: string, interval_ms: number, reports: PaceReport[]): Promise<Fleet> {
  return startFleet({
    broker_url,
    rooms: 1,
    controllers: 0,
    trucks: 0,
    interval_ms,
    on_publish_behind: (report) => reports.push(report),
  });
}

/** Runs a one-room fleet for one window, with the main thread busy for `busy_ms` of every 100 ms. */
async function runFleet(interval_ms: number, busy_ms: number): Promise<PaceReport[]> {
  const reports: PaceReport[] = [];
  const fleet = await startRoomFleet(mosquitto.url, interval_ms, reports);
  const blocker = setInterval(() => {
    const end = Date.now() + busy_ms;
    while (Date.now() < end) {
      // Keeps the CPU busy, as other work on a loaded machine does.
    }
  }, 100);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_WAIT_MS));
  clearInterval(blocker);
  await fleet.stop();
  return reports;
}

describe('fleet publish pace', () => {
  it('reports a fleet that falls behind', async () => {
    const reports = await runFleet(5, 90);
    expect(reports).toHaveLength(1);
    const report = reports[0] as PaceReport;
    expect(report.device_id).toBe('room-1');
    expect(report.interval_ms).toBe(5);
    expect(report.requested_per_s).toBe(200);
    expect(report.achieved_per_s).toBeGreaterThan(0);
    expect(report.achieved_per_s).toBeLessThan(180);
    expect(report.suggested_interval_ms).toBeGreaterThan(5);
    expect((report.suggested_interval_ms ?? 1) % 5).toBe(0);
    const message = paceWarningMessage(report);
    expect(message).toContain('below the 200/s that --interval-ms 5 requests');
    expect(message).toContain(`Use --interval-ms ${report.suggested_interval_ms} or more`);
  }, 20_000);

  it('reports a fleet whose broker stopped', async () => {
    const broker = await startMosquitto();
    const reports: PaceReport[] = [];
    const fleet = await startRoomFleet(broker.url, 100, reports);
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_WAIT_MS));
    await fleet.stop();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.achieved_per_s).toBe(0);
    expect(reports[0]?.unacknowledged_messages).toBeGreaterThan(10);
    expect(reports[0]?.suggested_interval_ms).toBeUndefined();
  }, 20_000);

  it('stays quiet for a fleet that keeps up', async () => {
    const reports = await runFleet(200, 0);
    expect(reports).toEqual([]);
  }, 20_000);
});

describe('paceWarningMessage', () => {
  it('names the rates, the lag and the fix', () => {
    const message = paceWarningMessage({
      interval_ms: 5,
      requested_per_s: 200,
      achieved_per_s: 54.2,
      device_id: 'room-1',
      max_lag_ms: 27_000,
      unacknowledged_messages: 12,
      suggested_interval_ms: 25,
    });
    expect(message).toBe(
      'simulated device room-1 published 54 messages/s, below the 200/s that --interval-ms 5 requests, ' +
        "because the CPU, the broker or the gateway cannot keep up (a message took up to 27.0 s from its tick to the broker's " +
        'acknowledgement, and 12 wait for one). Use --interval-ms 25 or more',
    );
  });

  it('names the broker when nothing was acknowledged', () => {
    const message = paceWarningMessage({
      interval_ms: 5,
      requested_per_s: 200,
      achieved_per_s: 0,
      device_id: 'room-1',
      max_lag_ms: 0,
      unacknowledged_messages: 900,
    });
    expect(message).toContain('published 0.0 messages/s');
    expect(message).toContain('and 900 wait for one');
    expect(message).toContain('Check that the broker and the gateway run, then use a longer --interval-ms');
  });
});
