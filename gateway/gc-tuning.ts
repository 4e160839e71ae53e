/**
 * Turns off V8's allocation-site pretenuring for the gateway process. V8 allocates the objects of an
 * allocation site straight in the old generation once a large share of them survives young-generation
 * collections. The readings of an MQTT burst are alive until the burst's group commit, so V8 takes their
 * sites for long-lived ones, and from then on every reading is garbage in the old generation, which grows
 * until a full collection. In the ingest benchmark at 10,000 readings/s the gateway's peak RSS was
 * 202-256 MiB with pretenuring and 166-187 MiB without it, at the same maximum rate (a 2-core machine).
 */
import v8 from 'node:v8';

/**
 * V8 flag set at run time. Set this way, it lowered the benchmark's RSS as much as on the command line
 * (BENCHMARKS.md, "pretenuring, self-metrics and allocations").
 */
const NO_PRETENURING = '--no-allocation-site-pretenuring';

/**
 * Applies `NO_PRETENURING` unless the process was started with a pretenuring flag of its own (in its
 * arguments or `NODE_OPTIONS`); returns true when it did.
 */
export function tuneGarbageCollection(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  const own = [...execArgv, ...(nodeOptions?.split(/\s+/) ?? [])];
  if (own.some((flag) => flag.includes('allocation-site-pretenuring'))) return false;
  v8.setFlagsFromString(NO_PRETENURING);
  return true;
}
