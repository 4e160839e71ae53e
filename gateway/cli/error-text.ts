/** Text of an error that reached the command line's top level, for the `coldpool: ...` line on stderr. */
import { ZodError } from 'zod';

/**
 * Returns the message of `error`. A ZodError's own message is its issues as a JSON array, so its issues
 * are joined into one line instead, each as `path: message`. Commands translate the schema keys they
 * check into option names themselves; this keeps any schema error that still gets here readable.
 */
export function errorText(error: unknown): string {
  if (error instanceof ZodError) {
    return error.issues
      .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
