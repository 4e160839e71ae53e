/** Entries of the audit trail: what happened, who did it, to what, with the details as JSON. */

/** Kinds of audit entries. Readings recorded at the recording interval are `record`. */
export type AuditKind =
  | 'config_change'
  | 'asset_state'
  | 'alarm_raised'
  | 'alarm_acknowledged'
  | 'alarm_comment'
  | 'alarm_cleared'
  | 'alarm_closed'
  | 'calibration'
  | 'record'
  | 'correction'
  | 'shipment_start'
  | 'shipment_end'
  | 'http_request';

/** Entry as a caller appends it. */
export interface AuditEntryInput {
  /** Time of the event, integer ms since the epoch. */
  time_ms: number;
  kind: AuditKind;
  /** User or component that acted (`gateway` for automatic entries). */
  actor: string;
  /** Subject of the entry: an asset, an alarm id, a probe. */
  subject: string;
  /** Details; any JSON value. */
  payload: unknown;
}

/** An entry as stored, with its place in the hash chain. */
export interface AuditEntry extends AuditEntryInput {
  /** Position in the chain, from 1, without gaps. */
  seq: number;
  /** SHA-256 of the previous entry, hex; 64 zeros for the first. */
  prev_hash: string;
  /** SHA-256 over `prev_hash` and this entry's canonical JSON, hex. */
  hash: string;
}

/** Anything that accepts audit entries: the trail itself, or a test's list. */
export interface AuditSink {
  append(entry: AuditEntryInput): unknown;
}
