import { afterAll, describe, expect, it } from 'vitest';
import { printTally, type Rig, sleep, startRig } from './support/fault-rig.js';

describe('gateway-kill', () => {
  let rig: Rig | undefined;

  afterAll(async () => {
    await rig?.stop();
  });

  it('loses nothing across SIGKILL', async () => {
    rig = await startRig();
    for (let kill = 0; kill < 4; kill++) {
      await sleep(2500 + kill * 300);
      await rig.gateway.kill();
      await sleep(700);
      await rig.gateway.start();
    }
    await sleep(2000);
    const result = await rig.settle();
    printTally('gateway SIGKILL x4', result);
    expect(result.sent).toBeGreaterThan(100);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
  });
});
