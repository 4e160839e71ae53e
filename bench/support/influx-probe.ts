/**
 * Measures publish-to-queryable latency: polls InfluxDB every `every_ms` for new points of the probe
 * device and records, for each, the time it was first returned minus its timestamp (the wall-clock time
 * the publisher sent it). The resolution is the poll interval plus one query's duration.
 */
export class InfluxProbe {
  private readonly latencies: number[] = [];
  private lastSeenMs = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly influx_url: string,
    private readonly database: string,
    private readonly device: string,
    private readonly every_ms = 25,
  ) {}

  start(): void {
    this.running = true;
    this.lastSeenMs = Date.now() - 1000;
    this.loop = this.poll();
  }

  /** Keeps polling for `grace_ms` more so late probes are still seen, then returns every latency in ms. */
  async stop(grace_ms = 3000): Promise<number[]> {
    await new Promise((resolve) => setTimeout(resolve, grace_ms));
    this.running = false;
    await this.loop;
    return this.latencies;
  }

  /** Failed probe queries (a reset connection while influxd is overloaded); the next poll tries again. */
  query_errors = 0;

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        await this.fetchNew();
      } catch {
        this.query_errors++;
      }
      await new Promise((resolve) => setTimeout(resolve, this.every_ms));
    }
  }

  private async fetchNew(): Promise<void> {
    const q = `SELECT air_temp_c FROM cold_room WHERE device='${this.device}' AND time > ${this.lastSeenMs}ms`;
    const params = new URLSearchParams({ db: this.database, q, epoch: 'ms' });
    const response = await fetch(`${this.influx_url}/query?${params.toString()}`);
    const seenAt = Date.now();
    if (!response.ok) throw new Error(`probe query failed: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { results: Array<{ series?: Array<{ values: Array<[number, number]> }> }> };
    for (const [time] of body.results[0]?.series?.[0]?.values ?? []) {
      this.latencies.push(seenAt - time);
      this.lastSeenMs = Math.max(this.lastSeenMs, time);
    }
  }
}
