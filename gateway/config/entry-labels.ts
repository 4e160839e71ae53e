/**
 * Names the list entry of a config problem by its id, so that `devices[14].address` also reads
 * `device ctrl-7` in a long file.
 */
import type { ConfigProblem } from './config-error.js';

/** Lists whose entries carry an id, with the key of the id and the word for one entry. */
const LISTS: ReadonlyArray<{ path: readonly string[]; key: string; noun: string }> = [
  { path: ['devices'], key: 'id', noun: 'device' },
  { path: ['buses'], key: 'id', noun: 'bus' },
  { path: ['mqtt', 'subscriptions'], key: 'topic', noun: 'subscription' },
];

/** Returns the entries of the list at `path` in the parsed file, or undefined when it is not a list. */
function listAt(data: unknown, path: readonly string[]): unknown[] | undefined {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return Array.isArray(value) ? value : undefined;
}

/** Returns the label of the entry that `problemPath` points into, such as `device ctrl-1`, or undefined. */
function entryLabel(data: unknown, problemPath: string): string | undefined {
  for (const list of LISTS) {
    const match = new RegExp(`^${list.path.join('\\.')}\\[(\\d+)\\]`).exec(problemPath);
    if (match === null) continue;
    const entry = listAt(data, list.path)?.[Number(match[1])];
    if (entry === null || typeof entry !== 'object') return undefined;
    const id = (entry as Record<string, unknown>)[list.key];
    return typeof id === 'string' && id !== '' ? `${list.noun} ${id}` : undefined;
  }
  return undefined;
}

/** Returns the problems with `entry` set where the path points into a list entry that has an id. */
export function labelEntries(problems: readonly ConfigProblem[], data: unknown): ConfigProblem[] {
  return problems.map((problem) => {
    if (problem.entry !== undefined) return problem;
    const entry = entryLabel(data, problem.path);
    return entry === undefined ? problem : { ...problem, entry };
  });
}
