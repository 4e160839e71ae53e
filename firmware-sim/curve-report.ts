#!/usr/bin/env node
/**
 * Offline summary of the thermal model's curves for each default parameter set: compressor starts and
 * duty, the air band under thermostat control, one defrost bump, and the rise during a 60 s door opening.
 * Run: `node dist/firmware-sim/curve-report.js` (or `npx tsx firmware-sim/curve-report.ts`).
 */
import { ColdRoomModel, type ColdRoomState } from './physics/cold-room-model.js';
import {
  CHILLED_ROOM,
  type ColdRoomParams,
  FROZEN_ROOM,
  REEFER_CHILLED_COMPARTMENT,
  REEFER_FROZEN_COMPARTMENT,
} from './physics/cold-room-params.js';

const STEP_S = 5;
/** 2026-12-04 00:00 UTC: 08:00 China Standard Time, so the run spans the warm afternoon. */
const START_MS = Date.UTC(2026, 11, 4, 0, 0, 0);
const FIRST_DEFROST_S = 3 * 3600;

/** Curve figures of one parameter set. */
interface CurveSummary {
  name: string;
  starts_per_h: number;
  duty: number;
  air_min_c: number;
  air_max_c: number;
  defrost_min: number;
  defrost_bump_k: number;
  recovery_min: number;
  door_rise_k: number;
}

function run(model: ColdRoomModel, duration_s: number): ColdRoomState[] {
  const states: ColdRoomState[] = [];
  for (let t = 0; t < duration_s; t += STEP_S) {
    model.step(STEP_S);
    states.push(model.state);
  }
  return states;
}

/**
 * Runs one parameter set for five simulated hours with doors shut: one hour to settle, two under thermostat
 * control, two around the first defrost. A second run opens the door once for 60 s.
 */
function summarizeCurves(name: string, params: ColdRoomParams): CurveSummary {
  const quiet = { ...params, door_openings_per_h: 0 };
  const model = new ColdRoomModel(quiet, { start_ms: START_MS, first_defrost_s: FIRST_DEFROST_S });
  run(model, 3600);
  const control = run(model, 2 * 3600);
  const defrost = run(model, 2 * 3600);
  const starts = control.filter((s, i) => i > 0 && s.compressor_on && !control[i - 1]!.compressor_on).length;
  const air = control.map((s) => s.air_c);
  const defrost_start = defrost.findIndex((s) => s.phase === 'defrost');
  const drip_start = defrost.findIndex((s) => s.phase === 'drip');
  const threshold_c = params.setpoint_c + params.differential_k / 2;
  const recovered = defrost.findIndex((s, i) => i > drip_start && s.phase === 'cooling' && s.air_c <= threshold_c);
  const base_c = control.at(-1)!.air_c;

  const door_model = new ColdRoomModel({ ...quiet, defrost_interval_s: 0 }, { start_ms: START_MS });
  run(door_model, 3600);
  const before_c = door_model.state.air_c;
  door_model.openDoor(60);
  const door_peak_c = Math.max(...run(door_model, 120).map((s) => s.air_c));

  return {
    name,
    starts_per_h: starts / 2,
    duty: control.filter((s) => s.compressor_on).length / control.length,
    air_min_c: Math.min(...air),
    air_max_c: Math.max(...air),
    defrost_min: ((drip_start - defrost_start) * STEP_S) / 60,
    defrost_bump_k: Math.max(...defrost.map((s) => s.air_c)) - base_c,
    recovery_min: ((recovered - drip_start) * STEP_S) / 60,
    door_rise_k: door_peak_c - before_c,
  };
}

function formatRow(s: CurveSummary): string {
  const cells = [
    s.name,
    s.starts_per_h.toFixed(1),
    s.duty.toFixed(2),
    `${s.air_min_c.toFixed(2)} .. ${s.air_max_c.toFixed(2)}`,
    s.defrost_min.toFixed(1),
    s.defrost_bump_k.toFixed(1),
    s.recovery_min.toFixed(1),
    s.door_rise_k.toFixed(1),
  ];
  return `| ${cells.join(' | ')} |`;
}

const SETS: [string, ColdRoomParams][] = [
  ['chilled room', CHILLED_ROOM],
  ['frozen room', FROZEN_ROOM],
  ['reefer front (frozen)', REEFER_FROZEN_COMPARTMENT],
  ['reefer rear (chilled)', REEFER_CHILLED_COMPARTMENT],
];

const header = [
  '| set | starts/h | duty | air band °C | defrost min | defrost bump K | recovery min | 60 s door rise K |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
];
process.stdout.write(
  `${[...header, ...SETS.map(([name, params]) => formatRow(summarizeCurves(name, params)))].join('\n')}\n`,
);
