/**
 * Zod schema of the recording intervals of the audit record. The defaults are the maximum intervals of
 * the appendix on automatic temperature and humidity monitoring of China's Good Supply Practice for drugs
 * (药品经营质量管理规范), as GSP inspection guides summarise it. That means 30 minutes in storage,
 * 5 minutes in transport and 2 minutes while a value is out of range. Some older texts ask for 1 minute
 * out of range, so set `out_of_range_interval_s` to 60 where an inspector expects that.
 */
import { z } from 'zod';

export const recordingSchema = z.strictObject({
  /** Maximum interval between records of a cold room or room zone, s. Default 1800. */
  storage_interval_s: z.number().positive().default(1800),
  /** Maximum interval between records of a truck compartment, s. Default 300. */
  transport_interval_s: z.number().positive().default(300),
  /** Maximum interval between records while the value is out of the class range, s. Default 120. */
  out_of_range_interval_s: z.number().positive().default(120),
});
export type RecordingConfig = z.infer<typeof recordingSchema>;
