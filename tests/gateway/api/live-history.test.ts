import { describe, expect, it } from 'vitest';
import { ReplayHistory } from '../../../gateway/api/live-history.js';

/** Adds events `from` to `to` with frames named after their sequence numbers. */
function addRange(history: ReplayHistory, from: number, to: number): void {
  for (let sequence = from; sequence <= to; sequence++) history.add(sequence, `f${sequence}`);
}

describe('ReplayHistory', () => {
  it('returns the frames after an event', () => {
    const history = new ReplayHistory(10, 1000);
    addRange(history, 1, 5);
    expect(history.after(3)).toEqual({ frames: ['f4', 'f5'], bytes: 4 });
  });

  it('returns nothing missed after the newest event', () => {
    const history = new ReplayHistory(10, 1000);
    addRange(history, 1, 5);
    expect(history.after(5)).toEqual({ frames: [], bytes: 0 });
  });

  it('returns every frame after the one before the oldest', () => {
    const history = new ReplayHistory(3, 1000);
    addRange(history, 1, 5);
    expect(history.after(2)?.frames).toEqual(['f3', 'f4', 'f5']);
  });

  it('drops the oldest beyond the count', () => {
    const history = new ReplayHistory(3, 1000);
    addRange(history, 1, 5);
    expect(history.size).toBe(3);
    expect(history.after(1)).toBeUndefined();
  });

  it('drops the oldest beyond the bytes', () => {
    const history = new ReplayHistory(100, 6);
    addRange(history, 1, 5);
    expect(history.after(1)).toBeUndefined();
    expect(history.after(2)?.frames).toEqual(['f3', 'f4', 'f5']);
  });

  it('rejects an event newer than every one', () => {
    const history = new ReplayHistory(10, 1000);
    addRange(history, 1, 5);
    expect(history.after(6)).toBeUndefined();
  });

  it('reports a gap after a skipped event', () => {
    const history = new ReplayHistory(10, 1000);
    addRange(history, 1, 5);
    history.skip(6);
    history.add(7, 'f7');
    expect(history.after(5)).toBeUndefined();
    expect(history.after(6)?.frames).toEqual(['f7']);
  });

  it('holds everything after a skip with no frame since', () => {
    const history = new ReplayHistory(10, 1000);
    history.skip(1);
    history.skip(2);
    expect(history.after(2)).toEqual({ frames: [], bytes: 0 });
    expect(history.after(1)).toBeUndefined();
  });

  it('keeps order across compactions', () => {
    const history = new ReplayHistory(50, 1_000_000);
    addRange(history, 1, 5000);
    expect(history.size).toBe(50);
    expect(history.after(4990)?.frames).toEqual([
      'f4991',
      'f4992',
      'f4993',
      'f4994',
      'f4995',
      'f4996',
      'f4997',
      'f4998',
      'f4999',
      'f5000',
    ]);
    expect(history.after(4950)?.frames.length).toBe(50);
    expect(history.after(4949)).toBeUndefined();
  });
});
