/**
 * Problems of a scenario document, each naming the list entry by its id (`orders[1] (order o003)`), the
 * value and the fix. Schema and reference checks run on the same document, so one run lists them all.
 */
import type { z } from 'zod';

/** Lists of a scenario whose entries carry an id, with the key of the id and the word for one entry. */
const LISTS: Readonly<Record<string, { key: string; noun: string }>> = {
  sites: { key: 'id', noun: 'site' },
  vehicles: { key: 'id', noun: 'vehicle' },
  cold_rooms: { key: 'id', noun: 'cold room' },
  orders: { key: 'id', noun: 'order' },
  bookings: { key: 'id', noun: 'booking' },
  previous_plan: { key: 'vehicle_id', noun: 'route of vehicle' },
};

type Entry = Record<string, unknown>;

/** Returns the entries of a top-level list, with an empty object for an entry that is not a mapping. */
function entriesOf(data: unknown, list: string): Entry[] {
  if (data === null || typeof data !== 'object') return [];
  const value = (data as Entry)[list];
  if (!Array.isArray(value)) return [];
  return value.map((entry) => (entry !== null && typeof entry === 'object' ? (entry as Entry) : {}));
}

function stringAt(entry: Entry, key: string): string | undefined {
  const value = entry[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Returns the value at `path` in the document, or undefined where the path leads nowhere. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Renders a scalar for a message, bounded to 60 characters. Returns undefined for lists and mappings. */
function shownValue(value: unknown): string | undefined {
  if (value === undefined || (value !== null && typeof value === 'object')) return undefined;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Formats one problem: the path as written in the file, with the list entry named by its id, then the
 * value where it is a scalar, then the message. Example: `orders[1] (order o003) pickup_window: ...`.
 */
export function formatProblem(data: unknown, path: readonly PropertyKey[], message: string): string {
  const [list, index, ...rest] = path;
  let where = '';
  let remaining: readonly PropertyKey[] = path;
  if (typeof list === 'string' && typeof index === 'number' && LISTS[list] !== undefined) {
    const { key, noun } = LISTS[list];
    const id = stringAt(entriesOf(data, list)[index] ?? {}, key);
    where = id === undefined ? `${list}[${index}]` : `${list}[${index}] (${noun} ${id})`;
    remaining = rest;
  }
  let tail = '';
  for (const key of remaining) tail += typeof key === 'number' ? `[${key}]` : `${tail === '' ? '' : '.'}${String(key)}`;
  const location = [where, tail].filter((part) => part !== '').join(' ') || '(top level)';
  const value = shownValue(valueAt(data, path));
  return `${location}${value === undefined ? '' : ` = ${value}`}: ${message}`;
}

/** Formats zod issues of the scenario schema. */
export function schemaProblems(data: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => formatProblem(data, issue.path, issue.message));
}

/**
 * Returns the ids that point nowhere and the duplicate order ids, read from the raw document so that
 * they are found even where other fields fail the schema. Entries without a string id are skipped.
 */
export function referenceProblems(data: unknown): string[] {
  const problems: string[] = [];
  const idsOf = (list: string) => new Set(entriesOf(data, list).flatMap((entry) => stringAt(entry, 'id') ?? []));
  const sites = idsOf('sites');
  const vehicles = idsOf('vehicles');
  const rooms = idsOf('cold_rooms');
  const orders = idsOf('orders');
  const requireId = (known: Set<string>, kind: string, list: string, index: number, key: string) => {
    const id = stringAt(entriesOf(data, list)[index] ?? {}, key);
    if (id !== undefined && !known.has(id)) {
      problems.push(formatProblem(data, [list, index, key], `${kind} "${id}" not found in ${whereListed(kind)}`));
    }
  };
  for (const index of entriesOf(data, 'vehicles').keys()) {
    requireId(sites, 'site', 'vehicles', index, 'start_site_id');
    requireId(sites, 'site', 'vehicles', index, 'end_site_id');
  }
  for (const index of entriesOf(data, 'cold_rooms').keys()) {
    requireId(sites, 'site', 'cold_rooms', index, 'site_id');
  }
  const seen = new Set<string>();
  for (const [index, order] of entriesOf(data, 'orders').entries()) {
    const id = stringAt(order, 'id');
    if (id !== undefined && seen.has(id)) {
      problems.push(formatProblem(data, ['orders', index, 'id'], 'duplicate order id; give each order its own id'));
    }
    if (id !== undefined) seen.add(id);
    requireId(sites, 'site', 'orders', index, 'pickup_site_id');
    requireId(sites, 'site', 'orders', index, 'delivery_site_id');
  }
  for (const [index, route] of entriesOf(data, 'previous_plan').entries()) {
    requireId(vehicles, 'vehicle', 'previous_plan', index, 'vehicle_id');
    const stops = Array.isArray(route.stops) ? route.stops : [];
    for (const [stopIndex, stop] of stops.entries()) {
      const orderId = stop !== null && typeof stop === 'object' ? stringAt(stop as Entry, 'order_id') : undefined;
      if (orderId !== undefined && !orders.has(orderId)) {
        const path = ['previous_plan', index, 'stops', stopIndex, 'order_id'];
        problems.push(formatProblem(data, path, `order "${orderId}" not found in orders`));
      }
    }
  }
  for (const [index, booking] of entriesOf(data, 'bookings').entries()) {
    requireId(rooms, 'cold room', 'bookings', index, 'cold_room_id');
    const from = stringAt(booking, 'from_date');
    const to = stringAt(booking, 'to_date');
    if (from !== undefined && to !== undefined && to <= from) {
      problems.push(formatProblem(data, ['bookings', index, 'to_date'], `must be after from_date ${from}`));
    }
  }
  return problems;
}

function whereListed(kind: string): string {
  return kind === 'cold room' ? 'cold_rooms' : `${kind}s`;
}
