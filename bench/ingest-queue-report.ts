/** Formats the durable queue benchmark as the "## Durable queue" section of BENCHMARKS.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BENCHMARKS_PATH = join(import.meta.dirname, '..', 'BENCHMARKS.md');
const HEADING = '## Durable queue';
/** Maximum share of the queue-off throughput the queue may cost. */
const MAX_COST = 0.3;

/** Median result of one mode, with the end-to-end rate of every round. */
export interface ModeSummary {
  mode: string;
  points: number;
  end_to_end_per_s: number;
  accepted_per_s: number;
  rounds_end_to_end_per_s: number[];
}

/** Builds the section text; with `write`, replaces the section in BENCHMARKS.md (or appends it). */
export function writeQueueSection(
  summary: readonly ModeSummary[],
  context: { machine: string; command: string; write: boolean; load_before: string; load_after: string },
): string {
  const direct = summary.find((entry) => entry.mode.startsWith('queue off'));
  const grouped = summary.find((entry) => entry.mode === 'queue on, group commit');
  const cost = direct && grouped ? 1 - grouped.end_to_end_per_s / direct.end_to_end_per_s : Number.NaN;
  const rows = summary.map(
    (entry) =>
      `| ${entry.mode} | ${entry.points} | ${entry.end_to_end_per_s} | ${entry.rounds_end_to_end_per_s.join(', ')} | ${entry.accepted_per_s} |`,
  );
  const body = [
    HEADING,
    '',
    `Machine: ${context.machine}.`,
    '',
    `Command: \`${context.command}\` (run ${new Date().toISOString().slice(0, 10)}; medians of the rounds).`,
    '',
    'Setup: one process offers readings (1000 devices, one reading per device and second of source time) as fast',
    'as it can make them, 200 per event-loop turn, to the InfluxDB path; influxd 1.6.7 runs on the same',
    'machine with its data in /tmp. "Queue off" is the in-memory InfluxOutput (5,000-line batches). "Queue on"',
    'commits every reading to SQLite (WAL, synchronous=NORMAL, then an fsync of the WAL in the thread pool',
    'before a reading counts as accepted; commit_delay_ms as in the command, commit_max_points 10,000). Each',
    'row stores the line protocol made at commit time and no JSON (InfluxDB is the only output), and an',
    'InfluxSink reads rows back in pages of 5,000, sends them as stored and acknowledges them, in the same',
    'thread. "One commit per reading" forces a commit after every reading, the worst case of a QoS 1 input',
    'that sends one message per event-loop turn. End-to-end: first reading offered to last reading written',
    'to InfluxDB. Accepted: first',
    'to last reading offered (committed when the queue is on).',
    '',
    `Load: 1-minute load average ${context.load_before} before and ${context.load_after} after the run (other`,
    'processes shared the 2 cores, so rounds vary; the table gives medians and every round).',
    '',
    '| mode | points | end-to-end readings/s (median) | rounds | accepted readings/s (median) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Cost of the queue at the rate reached: ${Number.isNaN(cost) ? 'n/a' : `${Math.round(cost * 100)}%`} of the`,
    `queue-off throughput (target: under ${MAX_COST * 100}%): ${cost < MAX_COST ? 'met' : 'not met'}.`,
    '',
    'Where the time goes: with the queue on, the main thread still encodes each line once, inserts the',
    'rows, reads them back and deletes them after acknowledgement; the fsync runs in the thread pool, so the',
    'MQTT input and the HTTP client keep running while the disk syncs.',
    '',
  ].join('\n');
  if (context.write) replaceSection(body);
  return body;
}

function replaceSection(body: string): void {
  const text = existsSync(BENCHMARKS_PATH) ? readFileSync(BENCHMARKS_PATH, 'utf8') : '# Benchmarks\n';
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === HEADING);
  if (start === -1) {
    writeFileSync(BENCHMARKS_PATH, `${text.trimEnd()}\n\n${body}`);
    return;
  }
  let end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  if (end === -1) end = lines.length;
  writeFileSync(
    BENCHMARKS_PATH,
    [...lines.slice(0, start), ...body.trimEnd().split('\n'), '', ...lines.slice(end)].join('\n'),
  );
}
