/**
 * One round of sending a batch again after InfluxDB 1.x rejected points for a field type conflict. The
 * server names only the first conflict of a batch but counts every dropped point in `dropped=N`. When it
 * dropped more points than the named conflict explains, the whole batch goes again (a point written
 * twice with the same series and timestamp is overwritten), so the next response names the next conflict.
 */
import {
  conflictingFields,
  conflictText,
  type FieldTypeConflict,
  measurementOf,
  parseFieldTypeConflicts,
  selectFields,
} from './field-type-conflict.js';
import type { RejectedLines } from './influx-batch-writer.js';
import { unparsableLines } from './rejected-lines.js';

/** Next step for a batch after a partial write that named a field type conflict. */
export interface ConflictRound {
  /** Lines of the batch that InfluxDB stored and that are not sent again. */
  written: number;
  /** Lines (as sent in this round) that lose fields, with the conflict of each removed field. */
  removed: { line: string; conflicts: FieldTypeConflict[] }[];
  /** Lines (as sent in this round) and the line without conflicting fields sent in their place. */
  renamed: { line: string; sent_as: string }[];
  /** Lines rejected for good: unparsable, or with no field left. */
  rejected: RejectedLines[];
  /** Lines to send next. */
  next: string[];
}

/**
 * Plans the next round for `lines` after a partial write. Returns undefined when no line has a field
 * that the response names, so the caller settles the batch as a plain partial write.
 */
export function withoutConflicts(
  lines: readonly string[],
  outcome: { rejected: number; reason: string },
): ConflictRound | undefined {
  const conflicts = parseFieldTypeConflicts(outcome.reason);
  const unparsable = unparsableLines(outcome.reason);
  const keysByLine = lines.map((line) => (unparsable.has(line) ? [] : conflictingFields(line, conflicts)));
  const matched = keysByLine.filter((keys) => keys.length > 0).length;
  if (matched === 0) return undefined;
  const unparsableCount = lines.filter((line) => unparsable.has(line)).length;
  const resendAll = outcome.rejected > matched + unparsableCount;

  const round: ConflictRound = { written: 0, removed: [], renamed: [], rejected: [], next: [] };
  const unparsableRejected: string[] = [];
  lines.forEach((line, index) => {
    const keys = keysByLine[index] ?? [];
    if (unparsable.has(line)) {
      unparsableRejected.push(line);
    } else if (keys.length === 0) {
      if (resendAll) round.next.push(line);
      else round.written += 1;
    } else {
      planRemoval(line, keys, conflicts, round);
    }
  });
  if (unparsableRejected.length > 0) {
    round.rejected.push({ count: unparsableRejected.length, lines: unparsableRejected, reason: outcome.reason });
  }
  return round;
}

/** Sends `line` on without the fields `keys`, or rejects it when it has no other field. */
function planRemoval(
  line: string,
  keys: string[],
  conflicts: readonly FieldTypeConflict[],
  round: ConflictRound,
): void {
  const measurement = measurementOf(line);
  const removed = keys.flatMap((key) => {
    const conflict = conflicts.find((candidate) => candidate.measurement === measurement && candidate.field === key);
    return conflict === undefined ? [] : [conflict];
  });
  const rest = selectFields(line, (key) => !keys.includes(key));
  if (rest === null) {
    const reason = `${removed.map(conflictText).join('; ')}; the point has no other field`;
    round.rejected.push({ count: 1, lines: [line], reason });
    return;
  }
  round.removed.push({ line, conflicts: removed });
  round.renamed.push({ line, sent_as: rest });
  round.next.push(rest);
}
