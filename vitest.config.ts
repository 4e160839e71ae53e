import { defineConfig } from 'vitest/config';

// Unit tests need nothing but Node. Integration tests start their own influxd, mosquitto, socat and
// simulators on 127.0.0.1 and free ports; they are named *.int.test.ts so they can run on their own.
// Hardware-in-the-loop scenarios (tests/hil) spend most of their time waiting on a 60x simulated
// clock, so their files run side by side; the other integration files run one at a time because some
// of them measure poll intervals and would be disturbed by a neighbour. The three groups run in turn.
export default defineConfig({
  test: {
    maxWorkers: 4,
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
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          // The determinism check compares two runs message by message, so it runs here, alone.
          include: ['tests/**/*.int.test.ts'],
          exclude: ['tests/hil/!(determinism).int.test.ts', 'node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'hil',
          include: ['tests/hil/**/*.int.test.ts'],
          exclude: ['tests/hil/determinism.int.test.ts', 'node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
