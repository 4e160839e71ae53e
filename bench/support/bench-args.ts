/** Command-line checks shared by the benchmark scripts. A bad option exits with status 2 and one line. */

/** Prints `message` prefixed with the script name and exits with status 2. */
export function exitWithUsageError(script: string, message: string): never {
  console.error(`${script}: ${message}`);
  process.exit(2);
}

/**
 * Runs `parse` (a `node:util` parseArgs call) and returns its result. An unknown option or a missing
 * value exits with status 2 and parseArgs's message instead of a stack trace.
 */
export function parseOrExit<T>(script: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = (error as Error).message.replace(/\s*\n\s*/g, ' ').trim();
    const sentence = /[.?!]$/.test(message) ? message : `${message}.`;
    return exitWithUsageError(script, `${sentence} The options are listed at the top of ${script}.`);
  }
}

/** Returns `text` as a whole number of at least `min`, or exits with status 2 naming `--option`. */
export function integerOption(script: string, option: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    exitWithUsageError(script, `--${option} "${text}" is invalid; give a whole number of at least ${min}, in digits`);
  }
  return value;
}
