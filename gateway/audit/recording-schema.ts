/**
 * Zod schema of the recording intervals of the audit record. The defaults follow the temperature
 * monitoring rules of China's Good Supply Practice for drugs (GSP, 2016 revision, appendix on
 * temperature and humidity monitoring): at most 30 minutes between records in storage, 5 minutes in
 * transport, and 2 minutes while a value is out of range.
 */
import { z } from 'zod';

export const recordingSchema = z.strictObject({
  /** Longest interval between records of a cold room or room zone, s. Default 1800. */
  storage_interval_s: z.number().positive().default(1800),
  /** Longest interval between records of a truck compartment, s. Default 300. */
  transport_interval_s: z.number().positive().default(300),
  /** Longest interval between records while the value is out of the class range, s. Default 120. */
  out_of_range_interval_s: z.number().positive().default(120),
});
export type RecordingConfig = z.infer<typeof recordingSchema>;
