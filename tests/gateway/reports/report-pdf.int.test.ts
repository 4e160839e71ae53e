import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportFixture, type ReportFixture, STEP_MS } from './report-fixture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let directory: string;
let fixture: ReportFixture;
let pdfText: string;
let pdfPath: string;

function coldpool(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'tests/gateway/reports/report-cli-entry.ts', ...args],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`coldpool ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}

function reportArgs(format: string, out: string): string[] {
  return [
    'report',
    '--asset',
    'room-1',
    '--from',
    new Date(fixture.from_ms).toISOString(),
    '--to',
    String(fixture.to_ms),
    '--format',
    format,
    '--store',
    fixture.store,
    '--records',
    fixture.records,
    '--out',
    out,
  ];
}

/** Values of the fixture's air temperature, the series the report covers. */
function values(): number[] {
  return fixture.readings.map((reading) => reading.fields.air_temp_c as number);
}

/** Finds `label` in the PDF text and returns the number after it. */
function numberAfter(label: string): number {
  const match = new RegExp(`${label}\\s*(-?\\d+\\.\\d+)`).exec(pdfText);
  if (!match?.[1]) throw new Error(`"${label}" not found in the PDF text:\n${pdfText}`);
  return Number(match[1]);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-report-'));
  fixture = buildReportFixture(directory);
  pdfPath = join(directory, 'report.pdf');
  coldpool(...reportArgs('pdf', pdfPath));
  const text = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  pdfText = text.stdout;
}, 60_000);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('report pdf', () => {
  it('renders with pdftoppm', () => {
    const prefix = join(directory, 'page');
    const result = spawnSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', pdfPath, prefix]);
    expect(result.status).toBe(0);
    const image = [`${prefix}-1.png`, `${prefix}-01.png`].find((path) => existsSync(path)) ?? '';
    expect(statSync(image).size).toBeGreaterThan(5000);
  });

  it('prints the reading count', () => {
    expect(pdfText).toContain(`Readings: ${fixture.readings.length}`);
  });

  it('prints the minimum and maximum', () => {
    expect(numberAfter('Minimum:')).toBe(Number(Math.min(...values()).toFixed(2)));
    expect(numberAfter('Maximum:')).toBe(Number(Math.max(...values()).toFixed(2)));
  });

  it('prints the mean', () => {
    const mean = values().reduce((total, value) => total + value, 0) / values().length;
    expect(numberAfter('Mean \\(time-weighted\\):')).toBe(Number(mean.toFixed(2)));
  });

  it('prints the MKT of the readings', () => {
    const sum = values().reduce((total, value) => total + Math.exp(-10_000 / (value + 273.15)), 0);
    const mkt = 10_000 / -Math.log(sum / values().length) - 273.15;
    expect(numberAfter('MKT:')).toBe(Number(mkt.toFixed(2)));
    expect(pdfText).toContain('complete)');
  });

  it('prints the time out of range', () => {
    const outside = values().filter((value) => value > 5 || value < 0).length;
    const minutes = Math.floor((outside * STEP_MS) / 60_000);
    expect(outside).toBeGreaterThan(0);
    expect(pdfText).toMatch(new RegExp(`Time out of storage range: (\\d+ h 0?)?${minutes % 60} min 00 s`));
  });

  it('lists each excursion', () => {
    let runs = 0;
    values().forEach((value, index) => {
      if (value > 5 && !((values()[index - 1] ?? 0) > 5)) runs += 1;
    });
    expect(pdfText).toContain(`Excursions outside the storage range (${runs})`);
  });

  it('lists the acknowledged door alarm', () => {
    expect(pdfText).toContain('Acknowledged by wang.fang');
    expect(pdfText).toMatch(/Corrective action: pallet moved/);
  });

  it('names the closer and the claim', () => {
    expect(pdfText).toContain('Closed by otto on behalf of Li Wei');
    const csvPath = join(directory, 'closer.csv');
    coldpool(...reportArgs('csv', csvPath));
    const csv = readFileSync(csvPath, 'utf8');
    expect(csv).toContain(
      '; acknowledged by wang.fang; closed by otto on behalf of Li Wei; corrective action: pallet moved',
    );
  });

  it('prints the calibration status', () => {
    expect(pdfText).toMatch(/ctl-1\/air_temp_c: valid, certificate CAL-2026-0117/);
  });

  it('prints the SHA-256 of the CSV data', () => {
    const csvPath = join(directory, 'report.csv');
    coldpool(...reportArgs('csv', csvPath));
    const data = readFileSync(csvPath, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n');
    const hash = createHash('sha256').update(data).digest('hex');
    expect(pdfText.replace(/\s+/g, ' ')).toContain(`Data SHA-256: ${hash}`);
  });

  it('writes the pdf temperatures to csv', () => {
    const csvPath = join(directory, 'summary.csv');
    coldpool(...reportArgs('csv', csvPath));
    const csv = readFileSync(csvPath, 'utf8');
    expect(csv).toContain(`# mean_c: ${numberAfter('Mean \\(time-weighted\\):').toFixed(2)}\n`);
    expect(csv).toContain(`# mkt_c: ${numberAfter('MKT:').toFixed(2)}\n`);
    expect(csv).toContain(`# min_c: ${numberAfter('Minimum:').toFixed(2)}\n`);
    expect(csv).toContain(`# max_c: ${numberAfter('Maximum:').toFixed(2)}\n`);
  });

  it('renders other scripts with a TrueType font', () => {
    const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
    expect(existsSync(font)).toBe(true);
    const out = join(directory, 'font.pdf');
    coldpool(...reportArgs('pdf', out), '--font', font);
    const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('ΔT 6 K, проверено');
  });

  it('reports one shipment window', () => {
    const out = join(directory, 'shipment.csv');
    coldpool(
      'report',
      '--shipment',
      'SH-1',
      '--format',
      'csv',
      '--store',
      fixture.store,
      '--records',
      fixture.records,
      '--out',
      out,
    );
    const csv = readFileSync(out, 'utf8');
    expect(csv).toContain('# title: Shipment SH-1 (delivered)');
    // Loading at minute 60 and delivery at minute 120 both have a reading, and the window includes both.
    expect(csv).toContain('# readings: 61');
  });
});
