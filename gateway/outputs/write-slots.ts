/**
 * Runs at most `slots` jobs at once. The others wait in order of arrival and start as soon as a running
 * job settles. The InfluxDB worker uses it to keep a fixed number of write requests on the wire while
 * more pages wait beside them.
 */
export class WriteSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1)
      throw new RangeError(`write slots must be a positive integer, got ${slots}`);
  }

  /** Jobs started and not yet settled. */
  get active(): number {
    return this.running;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `job` once a slot is free and settles as it does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running += 1;
        let result: Promise<T>;
        try {
          result = job();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => {
          this.running -= 1;
          this.waiting.shift()?.();
        });
      };
      if (this.running < this.slots) start();
      else this.waiting.push(start);
    });
  }
}
