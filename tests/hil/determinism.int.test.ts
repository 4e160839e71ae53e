import { describe, expect, it } from 'vitest';
import { readingsStream } from '../../firmware-sim/scenario/readings-stream.js';
import { runExample } from './hil-support.js';

describe('scenario determinism', () => {
  it('repeats readings for a seed', async () => {
    const first = await runExample('noisy-bus', { duration_min: 25 });
    const second = await runExample('noisy-bus', { duration_min: 25 });
    const first_stream = readingsStream(first.outcome.run);
    const second_stream = readingsStream(second.outcome.run);
    expect(first_stream.length).toBeGreaterThan(40);
    expect(second_stream).toEqual(first_stream);
  }, 120_000);

  it('changes readings with the seed', async () => {
    const first = await runExample('compressor-failure-night', { duration_min: 10, seed: 1 });
    const second = await runExample('compressor-failure-night', { duration_min: 10, seed: 2 });
    expect(readingsStream(second.outcome.run)).not.toEqual(readingsStream(first.outcome.run));
  }, 120_000);
});
