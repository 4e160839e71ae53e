import { afterAll, beforeAll, describe } from 'vitest';
import type { SimOutcome } from '../../gateway/cli/commands/sim.js';
import { describeExpectations, runExample } from './hil-support.js';

describe('live-sale-evening scenario', () => {
  let outcome: SimOutcome | undefined;

  beforeAll(async () => {
    ({ outcome } = await runExample('live-sale-evening'));
  }, 150_000);

  afterAll(() => {
    outcome = undefined;
  });

  describeExpectations('live-sale-evening', () => outcome);
});
