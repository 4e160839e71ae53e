/** Paging of the device list that `coldpool status` prints: its options and the line about cut lists. */
import { DEVICE_PAGE_DEFAULT, DEVICE_PAGE_MAX } from '../../api/routes/fleet-routes.js';
import { parseInteger } from './read.js';

/** A window of the device list, as `offset` and `limit` of `GET /api/v1/devices`. */
export interface DevicePageRequest {
  offset: number;
  limit: number;
}

/** Default `--limit` of `coldpool status`: the API's own default page size. */
export const STATUS_LIMIT_DEFAULT = DEVICE_PAGE_DEFAULT;

/** Parses `--offset` (0 or more) and `--limit` (1 to the API's maximum page size), naming the range on errors. */
export function parseDevicePage(offsetText: string, limitText: string): DevicePageRequest {
  return {
    offset: parseInteger(offsetText, '--offset', 0, Number.MAX_SAFE_INTEGER),
    limit: parseInteger(limitText, '--limit', 1, DEVICE_PAGE_MAX),
  };
}

/**
 * Returns a line saying how many devices of the list were shown and which `--offset` shows the rest, or
 * `undefined` when the whole list was shown. `offset` is where the `printedCount` printed devices start.
 */
export function devicePageNote(offset: number, printedCount: number, total: number): string | undefined {
  if (offset === 0 && printedCount >= total) return undefined;
  if (printedCount === 0) {
    return `0 of ${total} devices shown, because the list ends before --offset ${offset}; --offset 0 shows the first ones`;
  }
  const next = offset + printedCount;
  const hint = next < total ? `--offset ${next} shows the next ones` : '--offset 0 shows the first ones';
  return `${printedCount} of ${total} devices shown (${offset + 1} to ${next}); ${hint}`;
}
