/**
 * V8 heap settings of the gateway process, tuned for a small box at 10,000 readings/s.
 *
 * - Allocation-site pretenuring is off. V8 allocates the objects of an allocation site straight in the
 *   old generation once a large share of them survives young-generation collections. The readings of an
 *   MQTT burst are alive until the burst's group commit, so V8 takes their sites for long-lived ones, and
 *   then every reading becomes garbage in the old generation. In the ingest benchmark the gateway's peak
 *   RSS was 202-256 MiB with pretenuring and 166-187 MiB without it (a 2-core machine).
 * - The old generation may grow by 20% of its live size before a full collection. V8 otherwise picks the
 *   factor from its collection and allocation speeds, at least 1.1 (src/heap/heap-controller.h). At
 *   10,000 readings/s the old generation grew from 23 to 50 MiB before V8 collected it, and with 20% it
 *   stayed at 23-29 MiB.
 * - Each semi-space of the young generation is at most 4 MiB instead of 16, which saves 24 MiB. V8 reads
 *   this size only when the process starts, so the launchers pass it (`LAUNCH_NODE_FLAGS`).
 * - Garbage collection runs on the main thread only (`--single-threaded-gc`). This is a launcher flag too,
 *   because setting it at run time crashed V8 in a collection. On two cores the gateway shares the CPU with
 *   influxd. At the QoS 0 maximum V8's four helper threads ran 1.6 s in 10 s while the main thread waited
 *   2.8 s for a core. With a young generation this small and the queue's small insert commits, little
 *   survives a scavenge, so one thread does it quickly.
 *
 * The first three kept the peak at 127-136 MiB at 10,000 readings/s, against 150-163 MiB with Node's
 * young generation and growth factor, and cost about a tenth of the QoS 0 maximum, mostly through the
 * smaller young generation (BENCHMARKS.md, "the old generation's growth factor"). Single-threaded
 * collection with the queue's smaller insert commits won that back: 37-38% of the InfluxDB ceiling on
 * average instead of 33%, with the peak at 134-142 MiB (BENCHMARKS.md, "garbage collection on one thread").
 */
import v8 from 'node:v8';

/**
 * Node flags that `./coldpool` (which `npm start` runs) and the first line of gateway/cli/main.ts pass to node.
 * NOTE: with --single-threaded-gc in NODE_OPTIONS, the installed command exits with node's own message, which
 * does not say to remove the flag; only `./coldpool` says so.
 */
export const LAUNCH_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--single-threaded-gc'];

/** V8 flags set at run time, each with the name that shows a process was started with its own value. */
const RUNTIME_FLAGS: readonly { flag: string; name: string }[] = [
  { flag: '--no-allocation-site-pretenuring', name: 'allocation-site-pretenuring' },
  { flag: '--heap-growing-percent=20', name: 'heap-growing-percent' },
];

/** Returns `flag` with underscores written as dashes, the two spellings V8 accepts for a flag name. */
function dashed(flag: string): string {
  return flag.replaceAll('_', '-');
}

/**
 * Sets each flag of `RUNTIME_FLAGS` unless node was started with a value of its own on its command line.
 * NODE_OPTIONS cannot carry these flags, because node accepts only a few V8 flags there. Returns the
 * flags it set.
 */
export function tuneGarbageCollection(execArgv: readonly string[] = process.execArgv): string[] {
  const own = execArgv.map(dashed);
  const applied: string[] = [];
  for (const { flag, name } of RUNTIME_FLAGS) {
    if (own.some((given) => given.includes(name))) continue;
    v8.setFlagsFromString(flag);
    applied.push(flag);
  }
  return applied;
}

/**
 * Returns a warning when NODE_OPTIONS sets the young generation's size and a launcher flag on node's
 * command line replaced it, as the first line of gateway/cli/main.ts does for the installed command.
 * Returns undefined otherwise.
 */
export function launcherOverrideWarning(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): string | undefined {
  const name = '--max-semi-space-size';
  const fromOptions = nodeOptions?.split(/\s+/).find((option) => dashed(option).startsWith(name));
  const fromCommandLine = execArgv.filter((option) => dashed(option).startsWith(name)).at(-1);
  if (fromOptions === undefined || fromCommandLine === undefined) return undefined;
  return (
    `NODE_OPTIONS sets ${fromOptions}, but node's command line sets ${fromCommandLine}, which wins; ` +
    `start the gateway with ./coldpool, which keeps NODE_OPTIONS, or run node ${fromOptions} dist/gateway/cli/main.js`
  );
}
