import { afterAll, describe, expect, it } from 'vitest';
import { printTally, type Rig, sleep, startRig } from './support/fault-rig.js';

describe('small-body-size', () => {
  let rig: Rig | undefined;

  afterAll(async () => {
    await rig?.stop();
  });

  it('lands every point through 413 splits', async () => {
    rig = await startRig({ influxd: { max_body_size: 1500 } });
    await sleep(2000);
    // A backlog makes the pages, and so the first batches, far larger than 1500 bytes.
    await rig.influxd.kill();
    await sleep(4000);
    await rig.influxd.restart();
    await sleep(2000);
    const result = await rig.settle(30_000);
    printTally('influxd max-body-size 1500 bytes', result);
    expect(result.sent).toBeGreaterThan(100);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
  });
});
