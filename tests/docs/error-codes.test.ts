import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_AREAS, ERROR_CODES } from '../../gateway/errors/error-codes.js';
import { readDocumentedCodes, scanSource, scanText } from './code-scan.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCUMENT = 'docs/errors.md';

/** Code-shaped literals in the source that are not coldpool error codes, each with what it is instead. */
const NOT_OUR_CODES = new Map<string, string>([
  // Fastify's own error codes, which gateway/api/error-handler.ts maps to API_PAYLOAD_TOO_LARGE,
  // API_UNSUPPORTED_MEDIA_TYPE and API_VALIDATION_FAILED; clients never see them.
  ['FST_ERR_CTP_BODY_TOO_LARGE', 'fastify error code'],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'fastify error code'],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', 'fastify error code'],
  ['FST_ERR_CTP_INVALID_JSON_BODY', 'fastify error code'],
  // ChirpStack v4 uplink fields the simulator writes: the gateway's CRC status and the LoRa coding rate.
  ['CRC_OK', 'ChirpStack crcStatus value'],
  ['CR_4_5', 'ChirpStack LoRa codeRate value'],
  // The yaml package's code for a key given twice, which the config loader turns into its own message.
  ['DUPLICATE_KEY', 'yaml package error code'],
  // Node's code for a worker thread that reached its heap limit; the InfluxDB output adds a hint to it.
  ['ERR_WORKER_OUT_OF_MEMORY', 'Node.js worker_threads error code'],
  // better-sqlite3's code for a file that is not an SQLite database; `coldpool dead-letters` names the file instead.
  ['SQLITE_NOTADB', 'better-sqlite3 error code'],
  // Node's code for a write to a stream already destroyed, here standard output after its reader left.
  ['ERR_STREAM_DESTROYED', 'Node.js stream error code'],
  // The environment variable that gives `coldpool status` its API token.
  ['COLDPOOL_API_TOKEN', 'environment variable name'],
]);

const scan = scanSource(ROOT);
const documented = readDocumentedCodes(readFileSync(join(ROOT, DOCUMENT), 'utf8'));
const documentedCodes = new Set(documented.map((row) => row.code));
const registered = ERROR_CODES as Readonly<Record<string, { area: string; http_status?: number }>>;
const sourceCodes = [...scan.codes.keys()].filter((code) => !NOT_OUR_CODES.has(code)).sort();

function describeSites(code: string): string {
  return `${code} (${(scan.codes.get(code) ?? []).map((site) => site.where).join(', ')})`;
}

describe('error code scan', () => {
  it('finds codes in every error position', () => {
    const result = { codes: new Map(), unplaced: [], statuses: new Map() };
    const text = [
      "export type DemoErrorCode = 'DEMO_A' | 'DEMO_B';",
      "  readonly code = 'DEMO_C';",
      "errors.push({ field: 'x', code: found ? 'DEMO_D' : 'DEMO_E' });",
      "throw new DemoError(\n  'DEMO_F',\n  'message');",
      "return sendAuthError(reply, 429, 'DEMO_G', 'slow down');",
      "const code = (error as { code?: string }).code ?? 'DEMO_H';",
      'export const DEMO_STATUS = {\n  /** A doc. */\n  DEMO_I: 404,\n} as const;',
      "super('DEMO_J', message);",
      "const mode = 'NOT_A_CODE_POSITION';",
    ].join('\n');
    scanText('demo.ts', text, result);
    expect([...result.codes.keys()].sort()).toEqual([
      'DEMO_A',
      'DEMO_B',
      'DEMO_C',
      'DEMO_D',
      'DEMO_E',
      'DEMO_F',
      'DEMO_G',
      'DEMO_H',
      'DEMO_I',
      'DEMO_J',
    ]);
    expect(result.unplaced.map((site: { code: string }) => site.code)).toEqual(['NOT_A_CODE_POSITION']);
    expect(result.statuses.get('DEMO_G')).toEqual(new Set([429]));
    expect(result.statuses.get('DEMO_I')).toEqual(new Set([404]));
  });

  it('finds codes of every area', () => {
    const areas = new Set(sourceCodes.map((code) => registered[code]?.area));
    expect(ERROR_AREAS.filter((area) => !areas.has(area)).join('\n')).toBe('');
    expect(sourceCodes.length).toBeGreaterThanOrEqual(100);
  });
});

describe('error code registry', () => {
  it('lists every code in the source', () => {
    const missing = sourceCodes.filter((code) => registered[code] === undefined).map(describeSites);
    expect(missing.join('\n'), `add these to ERROR_CODES in gateway/errors/error-codes.ts`).toBe('');
  });

  it('lists no code absent from the source', () => {
    const stale = Object.keys(registered).filter((code) => !scan.codes.has(code));
    expect(stale.join('\n'), 'remove these from ERROR_CODES, or fix the scan if they are still raised').toBe('');
  });

  it('matches the http statuses in the source', () => {
    const wrong: string[] = [];
    for (const [code, statuses] of scan.statuses) {
      const status = registered[code]?.http_status;
      for (const expected of statuses) {
        if (status !== expected) wrong.push(`${code}: registry ${status}, source ${expected}`);
      }
    }
    expect(wrong.join('\n')).toBe('');
  });

  it('uses only known areas', () => {
    const unknown = Object.entries(registered).filter(([, info]) => !ERROR_AREAS.includes(info.area as never));
    expect(unknown.map(([code]) => code).join('\n')).toBe('');
  });

  it('leaves no code-shaped literal unexplained', () => {
    const unexplained = scan.unplaced
      .filter((site) => !scan.codes.has(site.code) && !NOT_OUR_CODES.has(site.code))
      .map((site) => `${site.code} (${site.where})`);
    expect(unexplained.join('\n'), 'add a scan pattern for the position, or list the literal in NOT_OUR_CODES').toBe(
      '',
    );
  });
});

describe('error code document', () => {
  it('documents every code in the source', () => {
    const missing = sourceCodes.filter((code) => !documentedCodes.has(code)).map(describeSites);
    expect(missing.join('\n'), `add a row for each of these to ${DOCUMENT}`).toBe('');
  });

  it('documents no code absent from the source', () => {
    const stale = documented.filter((row) => !scan.codes.has(row.code)).map((row) => `${row.code} (line ${row.line})`);
    expect(stale.join('\n'), `remove these rows from ${DOCUMENT}`).toBe('');
  });

  it('documents each code once', () => {
    const seen = new Set<string>();
    const repeated = documented.filter((row) => seen.has(row.code) || !seen.add(row.code)).map((row) => row.code);
    expect(repeated.join('\n')).toBe('');
  });

  it('puts each code under its area', () => {
    const misplaced = documented
      .filter((row) => registered[row.code] !== undefined && registered[row.code]?.area !== row.area)
      .map((row) => `${row.code} (line ${row.line}): under ${row.area}, registry ${registered[row.code]?.area}`);
    expect(misplaced.join('\n')).toBe('');
  });

  it('has one section per area', () => {
    const areas = [...new Set(documented.map((row) => row.area))];
    expect(areas).toEqual([...ERROR_AREAS]);
  });
});
