/**
 * Finds the stable error codes in the TypeScript source by the places this codebase puts them, so a test
 * can compare them with the registry and the error document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Folders whose source raises codes, relative to the repository root. */
export const SOURCE_FOLDERS = ['devices', 'gateway', 'scheduler', 'firmware-sim'] as const;

/** Folders never scanned: tests, dependencies, and the registry, which lists every code by design. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'tests', 'dist']);
const SKIPPED_PATHS = new Set(['gateway/errors']);

/** A code: upper-case words joined by underscores, at least two words. */
const CODE = '[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+';
/**
 * A code in single quotes, because the formatter writes every string literal in single quotes.
 * NOTE: a code built at run time, such as a template literal, is not found.
 */
const QUOTED = `'(${CODE})'`;

/** A quoted code, or two quoted codes chosen by a ternary (`expired ? 'A' : 'B'`). */
const QUOTED_OR_TERNARY = `(?:[\\w.!?()<>= ]+?\\?\\s*)?${QUOTED}(?:\\s*:\\s*${QUOTED})?`;

/** Functions that take a code as an argument: error constructors, `super` and the code's own helpers. */
const CODE_TAKING_CALL = '(?:new\\s+\\w+Error|super|wrap|emitError|fieldError|sendAuthError|challenge|callService)';

/** Arguments before the code: identifiers, numbers and plain strings such as `reply, 401,`. */
const LEADING_ARGUMENTS = "(?:(?:[\\w.]+|'[^'\\n]*')\\s*,\\s*)*";

/**
 * Places a code literal can take in an error position, with an example of each. Every pattern captures
 * the code in groups 1 and, for a ternary, 2.
 */
const POSITION_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  // readonly code = 'X'; code: 'X' (object or type); error.code === 'X'; error.code ?? 'X'
  { name: 'code property', pattern: new RegExp(`\\bcode\\s*(?:=|:|===|!==|\\?\\?)\\s*${QUOTED_OR_TERNARY}`, 'g') },
  // new ApiError('X', ...); sendAuthError(reply, 401, 'X', ...); challenge(reply, 'invalid_token', a ? 'X' : 'Y')
  {
    name: 'code argument',
    pattern: new RegExp(`\\b${CODE_TAKING_CALL}\\s*\\(\\s*${LEADING_ARGUMENTS}${QUOTED_OR_TERNARY}`, 'g'),
  },
];

/** Union members: `type PayloadErrorCode = 'A' | 'B';` and `readonly code: 'A' | 'B'`. */
const UNION_PATTERNS: readonly RegExp[] = [
  /\btype\s+\w*Code\s*=\s*([^;]+);/g,
  new RegExp(`\\bcode\\s*:\\s*'${CODE}'(?:\\s*\\|\\s*'${CODE}')+`, 'g'),
];

/** Keys of a status table: `API_VALIDATION_FAILED: 400,` inside `const API_ERROR_STATUS = { ... }`. */
const STATUS_TABLE = /\bconst\s+\w*STATUS\w*\s*=\s*\{([^}]*)\}/g;
const STATUS_ENTRY = new RegExp(`\\b(${CODE})\\s*:\\s*(\\d{3})\\b`, 'g');

/** `sendAuthError(reply, 403, 'X'`: the status an auth error is sent with. */
const AUTH_ERROR_STATUS = new RegExp(`\\bsendAuthError\\(\\s*\\w+\\s*,\\s*(\\d{3})\\s*,\\s*${QUOTED}`, 'g');
/** `challenge(reply, 'kind', 'X'` always sends 401 with a `WWW-Authenticate` header. */
const CHALLENGE_STATUS = 401;
const CHALLENGE = new RegExp(`\\bchallenge\\(\\s*${LEADING_ARGUMENTS}${QUOTED_OR_TERNARY}`, 'g');

/** Every code-shaped literal, in any position. */
const ANY_QUOTED = new RegExp(QUOTED, 'g');

/** One place a code occurs. */
export interface CodeSite {
  code: string;
  /** Repository-relative path and line, `gateway/api/errors.ts:12`. */
  where: string;
}

/** What a scan of the source found. */
export interface ScanResult {
  /** Codes in error positions, each with every place it occurs. */
  codes: Map<string, CodeSite[]>;
  /** Code-shaped literals that no error-position pattern matched. */
  unplaced: CodeSite[];
  /** HTTP statuses written next to a code in the source. */
  statuses: Map<string, Set<number>>;
}

/** Lists the `.ts` source files under `folder`, without tests and skipped folders. */
export function listSourceFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      const relativePath = relative(root, path);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !SKIPPED_PATHS.has(relativePath)) visit(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        files.push(relativePath);
      }
    }
  };
  visit(join(root, folder));
  return files.sort();
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function addSite(into: Map<string, CodeSite[]>, site: CodeSite): void {
  const sites = into.get(site.code) ?? [];
  if (!sites.some((known) => known.where === site.where)) sites.push(site);
  into.set(site.code, sites);
}

function addStatus(into: Map<string, Set<number>>, code: string, status: number): void {
  const statuses = into.get(code) ?? new Set<number>();
  statuses.add(status);
  into.set(code, statuses);
}

/** Returns each quoted code inside `text`, with its offset in `text`. */
function quotedCodes(text: string): { code: string; index: number }[] {
  return [...text.matchAll(ANY_QUOTED)].map((match) => ({ code: match[1] as string, index: match.index }));
}

/** Scans one file's text; `file` is its repository-relative path, used in the sites. */
export function scanText(file: string, text: string, result: ScanResult): void {
  const placed = new Set<number>();
  const record = (code: string, index: number): void => {
    placed.add(index);
    addSite(result.codes, { code, where: `${file}:${lineAt(text, index)}` });
  };

  for (const { pattern } of POSITION_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      for (const found of quotedCodes(match[0])) record(found.code, match.index + found.index);
    }
  }
  for (const pattern of UNION_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      for (const found of quotedCodes(match[0])) record(found.code, match.index + found.index);
    }
  }
  for (const table of text.matchAll(STATUS_TABLE)) {
    const body = table[1] as string;
    const bodyStart = table.index + table[0].indexOf(body);
    for (const entry of body.matchAll(STATUS_ENTRY)) {
      const code = entry[1] as string;
      addSite(result.codes, { code, where: `${file}:${lineAt(text, bodyStart + entry.index)}` });
      addStatus(result.statuses, code, Number(entry[2]));
    }
  }
  for (const match of text.matchAll(AUTH_ERROR_STATUS))
    addStatus(result.statuses, match[2] as string, Number(match[1]));
  for (const match of text.matchAll(CHALLENGE)) {
    for (const found of quotedCodes(match[0])) addStatus(result.statuses, found.code, CHALLENGE_STATUS);
  }

  for (const found of quotedCodes(text)) {
    if (!placed.has(found.index))
      result.unplaced.push({ code: found.code, where: `${file}:${lineAt(text, found.index)}` });
  }
}

/** Scans every source file under `SOURCE_FOLDERS` of the repository at `root`. */
export function scanSource(root: string): ScanResult {
  const result: ScanResult = { codes: new Map(), unplaced: [], statuses: new Map() };
  for (const folder of SOURCE_FOLDERS) {
    for (const file of listSourceFiles(root, folder)) scanText(file, readFileSync(join(root, file), 'utf8'), result);
  }
  return result;
}

/** One row of a code table in the error document. */
export interface DocumentedCode {
  code: string;
  /** Area key named in the heading above the table, as in `## Configuration (area \`config\`)`. */
  area: string | undefined;
  line: number;
}

const HEADING = /^##\s.*\(area `([a-z_]+)`\)\s*$/;
const TABLE_ROW = new RegExp(`^\\|\\s*\`(${CODE})\`\\s*\\|`);

/** Reads the code rows of the error document, each with the area of the section it sits in. */
export function readDocumentedCodes(markdown: string): DocumentedCode[] {
  const rows: DocumentedCode[] = [];
  let area: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    if (text.startsWith('## ')) area = HEADING.exec(text)?.[1];
    const row = TABLE_ROW.exec(text);
    if (row) rows.push({ code: row[1] as string, area, line: index + 1 });
  });
  return rows;
}
