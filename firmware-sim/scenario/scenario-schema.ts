import { z } from 'zod';
import { deviceSpecSchema } from './device-schema.js';
import { expectationSchema } from './expectation-schema.js';
import { siteSchema } from './site-schema.js';
import { timelineEventSchema } from './timeline-schema.js';

/** How long and how fast a scenario runs. */
export const runSchema = z.strictObject({
  /** Simulated start, ISO 8601 with an offset, such as `2026-07-15T22:00:00+08:00`. */
  start: z.iso.datetime({ offset: true }),
  /** Simulated duration, min. */
  duration_min: z
    .number()
    .positive()
    .max(30 * 1440),
  /** Simulated seconds per real second. Default 60. */
  time_scale: z.number().positive().max(100_000).default(60),
  /** Simulated time between two MQTT publishes of a device, and between two Modbus polls, s. Default 60. */
  publish_interval_s: z.number().min(1).max(3600).default(60),
});

export const scenarioSchema = z.strictObject({
  /** Scenario name, printed in the report. */
  name: z.string().min(1),
  /** Summary of the scenario, in a sentence or two. */
  description: z.string().default(''),
  /** Seed of every random process: the same seed gives the same readings. Default 1. */
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  run: runSchema,
  site: siteSchema,
  devices: z.array(deviceSpecSchema).min(1),
  timeline: z.array(timelineEventSchema).default([]),
  expectations: z.array(expectationSchema).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type RunSpec = z.infer<typeof runSchema>;
