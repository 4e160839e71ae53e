import { afterAll, beforeAll, describe } from 'vitest';
import type { SimOutcome } from '../../gateway/cli/commands/sim.js';
import { describeExpectations, runExample } from './hil-support.js';

describe('truck-tour-summer scenario', () => {
  let outcome: SimOutcome | undefined;

  beforeAll(async () => {
    ({ outcome } = await runExample('truck-tour-summer'));
  }, 150_000);

  afterAll(() => {
    outcome = undefined;
  });

  describeExpectations('truck-tour-summer', () => outcome);
});
