import { afterAll, beforeAll, describe } from 'vitest';
import type { SimOutcome } from '../../gateway/cli/commands/sim.js';
import { describeExpectations, runExample } from './hil-support.js';

describe('compressor-failure-night scenario', () => {
  let outcome: SimOutcome | undefined;

  beforeAll(async () => {
    ({ outcome } = await runExample('compressor-failure-night'));
  }, 150_000);

  afterAll(() => {
    outcome = undefined;
  });

  describeExpectations('compressor-failure-night', () => outcome);
});
