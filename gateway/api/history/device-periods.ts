/** Defrost and door-open periods of an asset's devices, from the samples of one boolean field. */
import { deviceFieldNames, type ResolvedDevice } from '../../config/resolve.js';
import type { TimeRange } from '../time-range.js';
import { upstream } from './history-reader.js';
import type { HistorySource } from './history-source.js';
import { mergePeriods, type Period, truePeriods } from './periods.js';

/** Most samples of a boolean field read to find its periods, per device and field. */
const MAX_STATE_POINTS = 20_000;

/**
 * Returns the merged periods in which `field` was true on any of the devices, over the series that
 * `selects` accepts by device id and tags.
 */
export async function devicePeriods(
  source: HistorySource,
  devices: readonly ResolvedDevice[],
  field: string,
  range: TimeRange,
  selects: (device: string, tags: Record<string, string>) => boolean,
): Promise<Period[]> {
  const periods: Period[] = [];
  for (const device of devices) {
    if (!deviceFieldNames(device).includes(field)) continue;
    const request = { site: device.site, device: device.id, measurement: device.measurement, field, ...range };
    // NOTE: a window with more than MAX_STATE_POINTS samples shows only the periods of its oldest part.
    const samples = await upstream(() => source.raw(request, MAX_STATE_POINTS));
    for (const series of samples) {
      if (selects(device.id, series.tags)) periods.push(...truePeriods(series.points, range.to_ms));
    }
  }
  return mergePeriods(periods);
}
