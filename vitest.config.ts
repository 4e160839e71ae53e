import { defineConfig } from 'vitest/config';

// Unit tests need nothing but Node. Integration tests start their own influxd, mosquitto, socat and
// simulators on 127.0.0.1 and free ports; they are named *.int.test.ts so they can run on their own.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.int.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
