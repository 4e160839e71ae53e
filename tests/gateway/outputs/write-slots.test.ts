import { describe, expect, it } from 'vitest';
import { WriteSlots } from '../../../gateway/outputs/write-slots.js';

/** Creates a job that settles when the test resolves or rejects it. */
function deferred(): { promise: Promise<string>; resolve(value: string): void; reject(error: Error): void } {
  let resolve!: (value: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('WriteSlots', () => {
  it('limits jobs running at once', async () => {
    const slots = new WriteSlots(2);
    const jobs = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = jobs.map((job, index) =>
      slots.run(() => {
        started.push(index);
        return job.promise;
      }),
    );
    expect(started).toEqual([0, 1]);
    expect(slots.active).toBe(2);
    expect(slots.queued).toBe(2);
    jobs[1]?.resolve('b');
    await expect(results[1]).resolves.toBe('b');
    expect(started).toEqual([0, 1, 2]);
    jobs[0]?.reject(new Error('write failed'));
    await expect(results[0]).rejects.toThrow('write failed');
    expect(started).toEqual([0, 1, 2, 3]);
    jobs[2]?.resolve('c');
    jobs[3]?.resolve('d');
    await expect(Promise.all([results[2], results[3]])).resolves.toEqual(['c', 'd']);
    expect(slots.active).toBe(0);
  });

  it('frees the slot of a throwing job', async () => {
    const slots = new WriteSlots(1);
    const failed = slots.run<string>(() => {
      throw new Error('bad page');
    });
    await expect(failed).rejects.toThrow('bad page');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });

  it('rejects a count below one', () => {
    expect(() => new WriteSlots(0)).toThrow('write slots must be a positive integer, got 0');
  });
});
