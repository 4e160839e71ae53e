/**
 * Formats the error that stops the simulator. One with a `SIM_*` code reads `coldpool-sim: <code>:
 * <message>`, so scripts can match the code, and any other error reads `coldpool-sim: <message>`.
 */
export function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return `coldpool-sim: ${String(error)}`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SIM_')) return `coldpool-sim: ${code}: ${error.message}`;
  return `coldpool-sim: ${error.message}`;
}
