import { levelRank } from './alarm-message.js';
import type { Expectation } from './expectation-schema.js';
import type { ScenarioRun, TimeWindow } from './run-scenario.js';

/** Outcome of one expectation. */
export interface ExpectationResult {
  name: string;
  pass: boolean;
  /** Evidence found, in one sentence. */
  detail: string;
}

const MS_PER_MIN = 60_000;

function minutes(ms: number): string {
  return `${(ms / MS_PER_MIN).toFixed(1)} min`;
}

/** True when an alarm's asset is `asset` or one of its parts (`truck-1/front` belongs to `truck-1`). */
function onAsset(alarm_asset: string, asset: string): boolean {
  return alarm_asset === asset || alarm_asset.startsWith(`${asset}/`);
}

/** Alarm asset an alarm expectation watches: `<truck>/<compartment>` for a compartment. */
function alarmAsset(e: Extract<Expectation, { expect: 'alarm' }>): string {
  return e.compartment === undefined ? e.asset : `${e.asset}/${e.compartment}`;
}

function eventTime(run: ScenarioRun, id: string | undefined): number {
  if (id === undefined) return run.start_ms;
  return run.events.find((event) => event.id === id)?.time_ms ?? run.start_ms;
}

function defaultName(expectation: Expectation): string {
  switch (expectation.expect) {
    case 'alarm':
      return `${expectation.level} alarm on ${alarmAsset(expectation)} within ${expectation.within_min} min of ${expectation.after}`;
    case 'no_alarm':
      return `no ${expectation.kind ?? ''}${expectation.kind ? ' ' : ''}alarm on ${expectation.asset ?? 'any asset'} during ${expectation.during}`;
    case 'no_reading_lost':
      return `no reading lost from ${expectation.device ?? 'any MQTT device'}`;
    case 'reading': {
      const bound = expectation.above !== undefined ? `above ${expectation.above}` : `below ${expectation.below}`;
      return `${expectation.asset} ${expectation.field} ${bound}${expectation.after ? ` after ${expectation.after}` : ''}`;
    }
    case 'orders':
      return `${expectation.count} orders on coldpool/orders/in`;
  }
}

function checkAlarm(run: ScenarioRun, e: Extract<Expectation, { expect: 'alarm' }>): ExpectationResult {
  const from_ms = eventTime(run, e.after);
  const to_ms = from_ms + e.within_min * MS_PER_MIN;
  const asset = alarmAsset(e);
  const candidates = run.alarms.filter(
    ({ value }) => value.state === 'raised' && value.asset === asset && (e.kind === undefined || value.kind === e.kind),
  );
  const hit = candidates.find(({ value, arrived_ms }) => {
    const time_ms = run.simTimeOf(arrived_ms);
    return levelRank(value.level) >= levelRank(e.level) && time_ms >= from_ms && time_ms <= to_ms;
  });
  if (hit) {
    const after = minutes(run.simTimeOf(hit.arrived_ms) - from_ms);
    return {
      name: defaultName(e),
      pass: true,
      detail: `${hit.value.level} ${hit.value.kind} raised ${after} after the event`,
    };
  }
  return {
    name: defaultName(e),
    pass: false,
    detail: `no raised alarm of level ${e.level} or higher in the window; ${candidates.length} raised alarms on ${asset} in the run`,
  };
}

function quietWindows(run: ScenarioRun, e: Extract<Expectation, { expect: 'no_alarm' }>): TimeWindow[] {
  const grace_ms = e.grace_min * MS_PER_MIN;
  if (e.during === 'run') return [{ from_ms: run.start_ms, to_ms: run.end_ms }];
  if (e.during === 'defrost') {
    const rooms = e.asset === undefined ? [...run.defrosts.keys()] : [e.asset];
    return rooms.flatMap((room) => run.defrosts.get(room) ?? []).map((w) => ({ ...w, to_ms: w.to_ms + grace_ms }));
  }
  const event = run.events.find((candidate) => candidate.id === e.during);
  if (event === undefined) return [];
  return [{ from_ms: event.time_ms, to_ms: (event.end_ms ?? event.time_ms) + grace_ms }];
}

function checkNoAlarm(run: ScenarioRun, e: Extract<Expectation, { expect: 'no_alarm' }>): ExpectationResult {
  const windows = quietWindows(run, e);
  if (windows.length === 0) {
    return {
      name: defaultName(e),
      pass: false,
      detail: `no ${e.during} window happened in the run, so nothing was checked`,
    };
  }
  const raised = run.alarms.filter(({ value, arrived_ms }) => {
    if (value.state !== 'raised' || (e.asset !== undefined && !onAsset(value.asset, e.asset))) return false;
    if (e.kind !== undefined && value.kind !== e.kind) return false;
    const time_ms = run.simTimeOf(arrived_ms);
    return windows.some((w) => time_ms >= w.from_ms && time_ms <= w.to_ms);
  });
  const span = windows.reduce((sum, w) => sum + (w.to_ms - w.from_ms), 0);
  if (raised.length === 0)
    return { name: defaultName(e), pass: true, detail: `quiet over ${windows.length} windows, ${minutes(span)}` };
  const first = raised[0]!.value;
  return {
    name: defaultName(e),
    pass: false,
    detail: `${raised.length} alarms raised, first ${first.level} ${first.kind} on ${first.asset}`,
  };
}

/** Sequence numbers a device published that should come back: everything but messages broken on purpose. */
function expectedSequences(run: ScenarioRun, device_id: string): number[] {
  const device = run.devices.find((candidate) => candidate.spec.id === device_id);
  const published = device?.published ?? [];
  return published.filter((m) => m.wire_fault === undefined || m.wire_fault === 'late').map((m) => m.seq);
}

function checkNoReadingLost(
  run: ScenarioRun,
  e: Extract<Expectation, { expect: 'no_reading_lost' }>,
): ExpectationResult {
  const ids = run.devices.filter(
    (d) => d.spec.protocol === 'mqtt' && (e.device === undefined || d.spec.id === e.device),
  );
  let expected_total = 0;
  const missing: string[] = [];
  for (const device of ids) {
    const seen = new Set(run.readings.filter((r) => r.tags.device === device.spec.id).map((r) => r.fields.seq));
    const expected = expectedSequences(run, device.spec.id);
    expected_total += expected.length;
    const lost = expected.filter((seq) => !seen.has(seq));
    if (lost.length > 0)
      missing.push(
        `${device.spec.id} seq ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ` and ${lost.length - 5} more` : ''}`,
      );
  }
  if (expected_total === 0)
    return { name: defaultName(e), pass: false, detail: 'no message was published, so nothing was checked' };
  if (missing.length === 0)
    return { name: defaultName(e), pass: true, detail: `all ${expected_total} published readings arrived` };
  return { name: defaultName(e), pass: false, detail: `missing: ${missing.join('; ')}` };
}

function checkReading(run: ScenarioRun, e: Extract<Expectation, { expect: 'reading' }>): ExpectationResult {
  const from_ms = eventTime(run, e.after);
  const to_ms = e.within_min === undefined ? run.end_ms : from_ms + e.within_min * MS_PER_MIN;
  // Booleans count as 0 and 1, so `above: 0` means "was true at least once".
  const values = run.readings
    .filter((r) => r.tags.asset === e.asset && ['number', 'boolean'].includes(typeof r.fields[e.field]))
    .filter((r) => {
      const time_ms = run.simTimeOf(r.arrived_ms);
      return time_ms >= from_ms && time_ms <= to_ms;
    })
    .map((r) => Number(r.fields[e.field]));
  if (values.length === 0)
    return { name: defaultName(e), pass: false, detail: `no ${e.field} reading of ${e.asset} in the window` };
  const max = Math.max(...values);
  const min = Math.min(...values);
  const pass = (e.above === undefined || max > e.above) && (e.below === undefined || min < e.below);
  return { name: defaultName(e), pass, detail: `${values.length} readings from ${min} to ${max}` };
}

function checkOrders(run: ScenarioRun, e: Extract<Expectation, { expect: 'orders' }>): ExpectationResult {
  const ids = new Set<string>();
  for (const { value } of run.orders) {
    try {
      const order = JSON.parse(value) as { order_id?: unknown };
      if (typeof order.order_id === 'string') ids.add(order.order_id);
    } catch {
      // A message that is not JSON is no order, so it is not counted.
    }
  }
  return { name: defaultName(e), pass: ids.size === e.count, detail: `${ids.size} distinct orders seen` };
}

/** Checks every expectation of the run's scenario, in file order. */
export function checkExpectations(run: ScenarioRun): ExpectationResult[] {
  return run.scenario.expectations.map((expectation) => {
    const result = checkOne(run, expectation);
    return expectation.name ? { ...result, name: expectation.name } : result;
  });
}

function checkOne(run: ScenarioRun, expectation: Expectation): ExpectationResult {
  switch (expectation.expect) {
    case 'alarm':
      return checkAlarm(run, expectation);
    case 'no_alarm':
      return checkNoAlarm(run, expectation);
    case 'no_reading_lost':
      return checkNoReadingLost(run, expectation);
    case 'reading':
      return checkReading(run, expectation);
    case 'orders':
      return checkOrders(run, expectation);
  }
}

/** Formats a result as the line the CLI prints: `PASS name: detail` or `FAIL name: detail`. */
export function formatResult(result: ExpectationResult): string {
  return `${result.pass ? 'PASS' : 'FAIL'} ${result.name}: ${result.detail}`;
}
