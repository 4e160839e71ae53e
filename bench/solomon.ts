/**
 * Solomon VRPTW benchmark: solves each instance under a time limit, checks every plan with the
 * independent checker and scores its distance against the distance-only best-known values.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkVrptwPlan } from '../scheduler/check/vrptw-check.js';
import { solveVrptwParallel } from '../scheduler/vrptw/parallel.js';
import { parseSolomon } from '../scheduler/vrptw/solomon-format.js';

/** Best-known table used for most instances: distance only, unlimited fleet, double precision. */
export const BKS_FILE = 'solomon_bks_distance_only_double.csv';
/** Proven optima with distances truncated to one decimal, used where the double-precision table is wrong. */
export const OPTIMA_FILE = 'solomon_opt_dimacs_trunc.csv';
/** Instances whose rows in `BKS_FILE` lie below proven optima, so they are scored against `OPTIMA_FILE`. */
export const SCORED_AGAINST_OPTIMA = new Set(['R109', 'RC103']);

/** Options of one benchmark run. */
export interface SolomonBenchOptions {
  /** Folder with `instances/NAME.txt` and the best-known CSV files. */
  data_dir: string;
  /** Wall-clock limit per instance in seconds, including worker start-up. */
  time_limit_s: number;
  /** Instance names to run. Default: every instance of the best-known table, sorted by name. */
  instances?: string[];
  /** Seed of the first search; further threads use the next seeds. Default 1. */
  seed?: number;
  /** Independent searches per instance, one per worker thread. Default: CPU count, at most 4. */
  threads?: number;
}

/** One instance's outcome. */
export interface SolomonBenchRow {
  instance: string;
  vehicles: number;
  distance: number;
  reference_distance: number;
  reference: 'bks_distance_only_double' | 'opt_dimacs_trunc';
  gap_pct: number;
  time_s: number;
  iterations: number;
  feasible: boolean;
  violations: string[];
}

/** Runs the benchmark, calling `onRow` after each instance, and returns every row. */
export async function runSolomonBench(
  options: SolomonBenchOptions,
  onRow: (row: SolomonBenchRow) => void = () => {},
): Promise<SolomonBenchRow[]> {
  const bks = parseReferenceCsv(await readFile(join(options.data_dir, BKS_FILE), 'utf8'));
  const optima = parseReferenceCsv(await readFile(join(options.data_dir, OPTIMA_FILE), 'utf8'));
  const names = options.instances ?? [...bks.keys()].sort();
  const rows: SolomonBenchRow[] = [];
  for (const name of names) {
    const text = await readFile(join(options.data_dir, 'instances', `${name}.txt`), 'utf8');
    const input = parseSolomon(text);
    const useOptimum = SCORED_AGAINST_OPTIMA.has(name);
    const reference = (useOptimum ? optima : bks).get(name);
    if (reference === undefined)
      throw new Error(`no best-known value for ${name}; check the CSV files in ${options.data_dir}`);
    const started = performance.now();
    // The shared deadline covers worker start-up; 100 ms stay for the last iteration and the hand-back.
    const budgetMs = Math.max(100, options.time_limit_s * 1000 - 100);
    const result = await solveVrptwParallel(input, {
      seed: options.seed ?? 1,
      time_limit_ms: budgetMs,
      deadline_epoch_ms: Date.now() + budgetMs,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    const elapsed = (performance.now() - started) / 1000;
    const report = checkVrptwPlan(input, result.routes);
    const row: SolomonBenchRow = {
      instance: name,
      vehicles: report.vehicles,
      distance: report.distance,
      reference_distance: reference,
      reference: useOptimum ? 'opt_dimacs_trunc' : 'bks_distance_only_double',
      gap_pct: ((report.distance - reference) / reference) * 100,
      time_s: elapsed,
      iterations: result.iterations,
      feasible: report.feasible,
      violations: report.violations,
    };
    rows.push(row);
    onRow(row);
  }
  return rows;
}

/** Formats one row as the benchmark prints it. */
export function formatBenchRow(row: SolomonBenchRow): string {
  const note = row.reference === 'opt_dimacs_trunc' ? ' reference=opt_dimacs_trunc' : '';
  const feasibility = row.feasible ? 'feasible' : `INFEASIBLE: ${row.violations.slice(0, 3).join('; ')}`;
  return (
    `${row.instance.padEnd(6)} vehicles=${String(row.vehicles).padStart(2)} distance=${row.distance.toFixed(2).padStart(8)} ` +
    `best_known=${row.reference_distance.toFixed(2).padStart(8)} gap_pct=${row.gap_pct.toFixed(2).padStart(5)} ` +
    `time_s=${row.time_s.toFixed(2)} iterations=${row.iterations} ${feasibility}${note}`
  );
}

/** Mean gap in percent over the rows; an infeasible plan counts as a failure by the caller, not here. */
export function meanGap(rows: SolomonBenchRow[]): number {
  return rows.reduce((sum, row) => sum + row.gap_pct, 0) / Math.max(1, rows.length);
}

/** Parses `instance,vehicles,distance,source` rows into a map from instance name to distance. */
export function parseReferenceCsv(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [name, , distance] = line.split(',');
    if (name && distance) values.set(name, Number(distance));
  }
  return values;
}
