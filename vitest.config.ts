import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Integration files that assert on elapsed real time. They check poll intervals and their gaps, reconnect
 * back-off, lease and election deadlines, scan duration and how long a gateway takes to stop under a
 * flood. The upstream ingest test needs the central bridge to keep pace with a publisher at 400 messages/s.
 * The RTU simulator's tests read a reply for a fixed 150 ms. A neighbour's load would stretch
 * those times, so these files run one at a time, in a group of their own.
 */
const TIMING_FILES = [
  'tests/cluster/cluster.int.test.ts',
  'tests/cluster/leader-election.int.test.ts',
  'tests/cluster/upstream-ingest.int.test.ts',
  'tests/devices/modbus/rtu-bus.int.test.ts',
  'tests/devices/modbus/rtu-corrupt-reply.int.test.ts',
  'tests/devices/modbus/rtu-device.int.test.ts',
  'tests/devices/modbus/scan-command.int.test.ts',
  'tests/devices/modbus/tcp-device.int.test.ts',
  'tests/devices/mqtt/subscriber.int.test.ts',
  'tests/faults/embedded-block.int.test.ts',
  'tests/faults/embedded-stop.int.test.ts',
  'tests/faults/modbus-unplug.int.test.ts',
  'tests/firmware-sim/rtu/rtu-controller-sim.int.test.ts',
];

// Unit tests need nothing but Node. Integration tests start their own influxd, mosquitto, socat and
// simulators on 127.0.0.1 and free ports, in their own temporary folders. They are named *.int.test.ts
// so they can run on their own. The groups below run in turn, each after the last has ended:
//   0. Hardware-in-the-loop scenarios (tests/hil) and unit tests. The scenario files spend most of their
//      time waiting on a 60x simulated clock, so all of them run at once. The unit tests take the four
//      workers left over. Vitest requires one `maxWorkers` for all projects of a group.
//   1. The other integration files, four at a time. They bound elapsed time only from below, or wait
//      ten seconds or more for a condition.
//   2. The files of TIMING_FILES, one at a time.
const HIL_FILE_COUNT = readdirSync(new URL('./tests/hil/', import.meta.url)).filter((name) =>
  name.endsWith('.int.test.ts'),
).length;
const WORKER_COUNT = 4;

export default defineConfig({
  test: {
    maxWorkers: WORKER_COUNT,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.int.test.ts', 'node_modules/**'],
          // Four workers share two cores, and the route solver's tests are CPU-bound. Vitest's default of
          // 5 s failed one that took 5.5 s on a loaded machine. Those tests end on iteration counts and
          // the fuzz tests on their own time limit, so 30 s only catches a test that hangs.
          testTimeout: 30_000,
          maxWorkers: HIL_FILE_COUNT + WORKER_COUNT,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'hil',
          include: ['tests/hil/**/*.int.test.ts'],
          exclude: ['node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          maxWorkers: HIL_FILE_COUNT + WORKER_COUNT,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.int.test.ts'],
          exclude: ['tests/hil/**', ...TIMING_FILES, 'node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'integration-timing',
          include: TIMING_FILES,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
