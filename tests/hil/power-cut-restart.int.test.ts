import { afterAll, beforeAll, describe } from 'vitest';
import type { SimOutcome } from '../../gateway/cli/commands/sim.js';
import { describeExpectations, runExample } from './hil-support.js';

describe('power-cut-restart scenario', () => {
  let outcome: SimOutcome | undefined;

  beforeAll(async () => {
    ({ outcome } = await runExample('power-cut-restart'));
  }, 150_000);

  afterAll(() => {
    outcome = undefined;
  });

  describeExpectations('power-cut-restart', () => outcome);
});
