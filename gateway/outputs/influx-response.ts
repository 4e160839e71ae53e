/**
 * Classifies InfluxDB 1.x responses to POST /write. The status codes and bodies follow the 1.x HTTP API
 * reference ("/write HTTP endpoint") and the 1.6 handler: 204 success, 400 for bad lines or a field
 * type conflict, 404 for a missing database, 413 above `max-body-size`, 5xx for server trouble.
 */
import type { WriteResponse } from './influx-http.js';
import { InfluxWriteError } from './output-errors.js';

/** Action for a batch after InfluxDB responded. */
export type WriteOutcome =
  /** Every line stored. */
  | { kind: 'written' }
  /** Some lines stored and `rejected` lines refused; the batch is never resent. */
  | { kind: 'partial'; rejected: number; reason: string }
  /** No line stored and none ever will be: resending the same lines gives the same response. */
  | { kind: 'rejected'; reason: string }
  /** HTTP 413: the body exceeds the server's `max-body-size`, so split the batch and retry. */
  | { kind: 'too_large' }
  /** Nothing stored because of a server or access problem that may pass, so retry later. */
  | { kind: 'retry'; error: InfluxWriteError; database_missing: boolean };

/** Maximum length of the reason text kept from a response body, in characters. */
const MAX_REASON_LENGTH = 500;

/** Extracts the `error` member of the JSON body InfluxDB 1.x sends with a failed write. */
export function responseError(body: string): string {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string') {
      text = parsed.error;
    }
  } catch {
    // A proxy in front of InfluxDB may respond in plain text or HTML; keep the raw body.
  }
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}...` : text;
}

/**
 * Counts the lines a "partial write" response rejected. InfluxDB 1.6 reports points it dropped after
 * parsing (a field type conflict, for example) as `dropped=N`, but it reports lines that failed to parse
 * as one "unable to parse" message each with `dropped=0`, so both are added.
 */
// NOTE: when one batch has both unparsable lines and a type conflict, InfluxDB 1.6 reports only the
// conflict, so the unparsable lines are counted as written.
function countPartialRejects(error: string, lineCount: number): number {
  const droppedMatch = /dropped=(\d+)\s*$/.exec(error);
  const dropped = droppedMatch?.[1] === undefined ? 0 : Number(droppedMatch[1]);
  const unparsable = error.match(/unable to parse/g)?.length ?? 0;
  return Math.min(lineCount, Math.max(1, dropped + unparsable));
}

/**
 * Classifies the response to a write of `lineCount` lines. `credential_settings` names the settings
 * that set the username and password, for the error of a 401 or 403 response.
 */
export function classifyWriteResponse(
  response: WriteResponse,
  lineCount: number,
  display_url: string,
  credential_settings = 'username and password',
): WriteOutcome {
  const { status } = response;
  if (status === 204 || status === 200) return { kind: 'written' };
  const error = responseError(response.body);
  if (status === 400) {
    if (!error.startsWith('partial write')) return { kind: 'rejected', reason: error };
    return { kind: 'partial', rejected: countPartialRejects(error, lineCount), reason: error };
  }
  if (status === 413) return { kind: 'too_large' };

  const where = `InfluxDB ${display_url}`;
  if (status === 404) {
    const message = `${where} returned 404 (${error}); the database is created again before the retry`;
    return {
      kind: 'retry',
      error: new InfluxWriteError('INFLUX_DATABASE_NOT_FOUND', message, status),
      database_missing: true,
    };
  }
  if (status === 401 || status === 403) {
    const message = `${where} rejected the credentials with HTTP ${status} (${error}); check ${credential_settings}`;
    return {
      kind: 'retry',
      error: new InfluxWriteError('INFLUX_AUTH_FAILED', message, status),
      database_missing: false,
    };
  }
  const code = status >= 500 ? 'INFLUX_SERVER_ERROR' : 'INFLUX_HTTP_ERROR';
  const message = `${where} returned ${status} to a write (${error}); retrying`;
  return { kind: 'retry', error: new InfluxWriteError(code, message, status), database_missing: false };
}
