import { afterAll, beforeAll, describe } from 'vitest';
import type { SimOutcome } from '../../gateway/cli/commands/sim.js';
import { describeExpectations, runExample } from './hil-support.js';

describe('noisy-bus scenario', () => {
  let outcome: SimOutcome | undefined;

  beforeAll(async () => {
    ({ outcome } = await runExample('noisy-bus'));
  }, 150_000);

  afterAll(() => {
    outcome = undefined;
  });

  describeExpectations('noisy-bus', () => outcome);
});
