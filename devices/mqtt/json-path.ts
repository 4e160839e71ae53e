/**
 * A small JSON path subset for payload mappings: `$.a.b`, `a.b`, `a[0].b`, `$['key with dots']` and
 * `$["key"]`. There are no wildcards, filters or recursive descent, so one path selects at most one value.
 */

/** A path that does not follow the supported subset. */
export class JsonPathError extends Error {
  readonly code = 'JSON_PATH_INVALID';

  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`invalid JSON path ${JSON.stringify(path)}: ${reason}; write it as $.a.b, a[0].b or $['key with dots']`);
    this.name = 'JsonPathError';
  }
}

/** One step of a path: an object key or an array index. */
export type PathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number };

/** The outcome of reading a path: `found` is false when a step is missing or has the wrong type. */
export type PathLookup = { found: true; value: unknown } | { found: false; missing_at: string };

/** A path parsed once, read many times. */
export interface CompiledJsonPath {
  /** The path as written in the mapping. */
  readonly source: string;
  readonly segments: readonly PathSegment[];
  /** Reads the value at this path from a parsed JSON document. */
  get(root: unknown): PathLookup;
}

const IDENTIFIER = /^[^.[\]'"\s]+/;
const INDEX = /^\[(\d+)\]/;

/** Reads a quoted key such as `['a.b']` at the start of `rest` and returns it with the number of characters read. */
function readQuotedKey(path: string, rest: string): { key: string; length: number } {
  const quote = rest[1];
  if (quote !== "'" && quote !== '"') throw new JsonPathError(path, `expected a quote or a digit after "[" in ${rest}`);
  let key = '';
  let i = 2;
  while (i < rest.length) {
    const char = rest[i];
    if (char === '\\' && i + 1 < rest.length) {
      key += rest[i + 1];
      i += 2;
      continue;
    }
    if (char === quote) break;
    key += char;
    i += 1;
  }
  if (rest[i] !== quote || rest[i + 1] !== ']') throw new JsonPathError(path, `unterminated quoted key in ${rest}`);
  return { key, length: i + 2 };
}

/** Splits a path into segments. Throws `JsonPathError` on anything outside the subset. */
export function parseJsonPath(path: string): PathSegment[] {
  let rest = path.trim();
  if (rest === '') throw new JsonPathError(path, 'the path is empty');
  if (rest.startsWith('$')) rest = rest.slice(1);
  else rest = `.${rest}`;
  const segments: PathSegment[] = [];
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      const name = IDENTIFIER.exec(rest.slice(1));
      if (name === null) throw new JsonPathError(path, `expected a key after "." in ${rest}`);
      segments.push({ kind: 'key', key: name[0] });
      rest = rest.slice(1 + name[0].length);
      continue;
    }
    if (rest.startsWith('[')) {
      const index = INDEX.exec(rest);
      if (index !== null) {
        segments.push({ kind: 'index', index: Number(index[1]) });
        rest = rest.slice(index[0].length);
        continue;
      }
      const quoted = readQuotedKey(path, rest);
      segments.push({ kind: 'key', key: quoted.key });
      rest = rest.slice(quoted.length);
      continue;
    }
    throw new JsonPathError(path, `unexpected ${JSON.stringify(rest[0])} at ${rest}`);
  }
  return segments;
}

function describeSegment(segment: PathSegment): string {
  return segment.kind === 'key' ? `.${segment.key}` : `[${segment.index}]`;
}

/** Formats the path up to and including segment `last` as `$.a[0].b`, for a lookup that missed. */
function describeUpTo(segments: readonly PathSegment[], last: number): string {
  let walked = '$';
  for (let i = 0; i <= last; i++) walked += describeSegment(segments[i] as PathSegment);
  return walked;
}

/** Compiles a path for repeated reads. The path `$` alone selects the whole document. */
export function compileJsonPath(path: string): CompiledJsonPath {
  const segments = path.trim() === '$' ? [] : parseJsonPath(path);
  return {
    source: path,
    segments,
    get(root: unknown): PathLookup {
      let current: unknown = root;
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as PathSegment;
        if (segment.kind === 'index') {
          if (!Array.isArray(current) || segment.index >= current.length) {
            return { found: false, missing_at: describeUpTo(segments, i) };
          }
          current = current[segment.index];
          continue;
        }
        if (current === null || typeof current !== 'object' || Array.isArray(current)) {
          return { found: false, missing_at: describeUpTo(segments, i) };
        }
        if (!Object.hasOwn(current, segment.key)) return { found: false, missing_at: describeUpTo(segments, i) };
        current = (current as Record<string, unknown>)[segment.key];
      }
      return { found: true, value: current };
    },
  };
}
