/**
 * A probe whose reading walks away from the truth at a steady rate, as an ageing or water-logged
 * thermistor does. The offset grows from the moment `start` is called until `clear`.
 */
export class ProbeDrift {
  private started_ms: number | null = null;
  private rate_k_per_h = 0;

  /** Starts drifting at `rate_k_per_h` (K per simulated hour) from `now_ms`. */
  start(now_ms: number, rate_k_per_h: number): void {
    this.started_ms = now_ms;
    this.rate_k_per_h = rate_k_per_h;
  }

  /** Stops the drift; readings are true again. */
  clear(): void {
    this.started_ms = null;
  }

  /** Returns the offset the probe adds at `now_ms`, K. */
  offsetK(now_ms: number): number {
    if (this.started_ms === null) return 0;
    return (this.rate_k_per_h * Math.max(0, now_ms - this.started_ms)) / 3_600_000;
  }
}
