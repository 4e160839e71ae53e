/**
 * Temperature record of each asset at the recording interval, appended to the audit trail: the record
 * an inspector reads. Storage assets record every `storage_interval_s`, truck compartments every
 * `transport_interval_s`, and any asset outside its class range every `out_of_range_interval_s`. A
 * reading that leaves or re-enters the range is recorded at once. Records are never changed; a
 * correction is a new entry that points at the record it corrects.
 */
import { type AssetProfile, matchesAsset } from '../alarms/asset-profile.js';
import type { Reading } from '../reading.js';
import type { AuditEntry } from './audit-entry.js';
import type { AuditTrail } from './audit-trail.js';
import type { RecordingConfig } from './recording-schema.js';

/** Payload of a `record` entry. */
export interface RecordPayload {
  asset: string;
  field: string;
  value_c: number;
  in_range: boolean;
  device: string;
}

/** Payload of a `correction` entry. */
export interface CorrectionPayload {
  /** Seq of the `record` entry corrected. */
  corrects_seq: number;
  /** Corrected value, °C, or null when the record is withdrawn (a probe known to be faulty). */
  value_c: number | null;
  reason: string;
}

interface LastRecord {
  time_ms: number;
  in_range: boolean;
}

/** Returns true when the value lies inside the asset's class range. */
export function isInRange(profile: Pick<AssetProfile, 'low_c' | 'high_c'>, value_c: number): boolean {
  if (profile.low_c !== null && value_c < profile.low_c) return false;
  return profile.high_c === null || value_c <= profile.high_c;
}

export class ReadingRecorder {
  private readonly last = new Map<string, LastRecord>();

  /** Restores the time of each asset's last record from the trail. */
  constructor(
    private readonly trail: AuditTrail,
    private readonly profiles: readonly AssetProfile[],
    private readonly config: RecordingConfig,
  ) {
    for (const profile of profiles) {
      const entry = trail.latest('record', profile.id);
      if (entry) {
        const payload = entry.payload as RecordPayload;
        this.last.set(profile.id, { time_ms: entry.time_ms, in_range: payload.in_range });
      }
    }
  }

  /** Returns the recording interval of an asset in its current range state, ms. */
  intervalMs(profile: AssetProfile, in_range: boolean): number {
    if (!in_range) return this.config.out_of_range_interval_s * 1000;
    const seconds =
      profile.kind === 'truck_compartment' ? this.config.transport_interval_s : this.config.storage_interval_s;
    return seconds * 1000;
  }

  /** Appends a record for each asset the reading belongs to whose interval is due; returns the entries. */
  handleReading(reading: Reading): AuditEntry[] {
    const written: AuditEntry[] = [];
    for (const profile of this.profiles) {
      const value = reading.fields[profile.temperature_field];
      if (typeof value !== 'number' || !matchesAsset(profile, reading.tags)) continue;
      const in_range = isInRange(profile, value);
      const last = this.last.get(profile.id);
      const due =
        last === undefined ||
        last.in_range !== in_range ||
        reading.time_ms - last.time_ms >= this.intervalMs(profile, in_range);
      if (!due || (last !== undefined && reading.time_ms <= last.time_ms)) continue;
      const payload: RecordPayload = {
        asset: profile.id,
        field: profile.temperature_field,
        value_c: value,
        in_range,
        device: reading.tags.device ?? '',
      };
      written.push(
        this.trail.append({ time_ms: reading.time_ms, kind: 'record', actor: 'gateway', subject: profile.id, payload }),
      );
      this.last.set(profile.id, { time_ms: reading.time_ms, in_range });
    }
    return written;
  }
}

/**
 * Appends a correction of a record. Throws a RangeError when `corrects_seq` names no `record` entry, so a
 * correction always points at something that exists.
 */
export function correctRecord(
  trail: AuditTrail,
  correction: CorrectionPayload & { actor: string; time_ms: number },
): AuditEntry {
  const seq = correction.corrects_seq;
  const target = trail.entry(seq);
  if (target === undefined) {
    throw new RangeError(
      `no audit entry has sequence number ${seq}; pass the seq of the record to correct, as \`coldpool audit list --kind record\` prints them`,
    );
  }
  if (target.kind !== 'record') {
    throw new RangeError(
      `audit entry ${seq} has kind ${target.kind}, not record; pass the seq of the record to correct, as \`coldpool audit list --kind record\` prints them`,
    );
  }
  const payload: CorrectionPayload = {
    corrects_seq: correction.corrects_seq,
    value_c: correction.value_c,
    reason: correction.reason,
  };
  return trail.append({
    time_ms: correction.time_ms,
    kind: 'correction',
    actor: correction.actor,
    subject: target.subject,
    payload,
  });
}
