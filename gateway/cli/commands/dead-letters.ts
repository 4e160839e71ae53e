/** `coldpool dead-letters`: lists the points an output's server rejected for good, from the queue file. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type DeadLetter,
  type DeadLetterQuery,
  NotAQueueFileError,
  readDeadLetterListing,
} from '../../queue/dead-letters.js';
import type { Reading } from '../../reading.js';

/** Usual locations of the queue file, appended to each message about a wrong `--queue`. */
const QUEUE_FILE_HINT =
  '--queue takes the durable queue file: outputs.queue.path, by default queue.db beside outputs.local_store.path, or the --queue given to coldpool ingest';

/** Dead letters listed when `--limit` is not given. */
const DEFAULT_LIMIT = 100;

interface DeadLettersCliOptions {
  queue?: string;
  output?: string;
  limit?: string;
  json?: boolean;
}

/** Returns a reading as JSON, with its integer fields as an array and its time as ISO 8601 text beside the milliseconds. */
function readingJson(reading: Reading): Record<string, unknown> {
  return {
    measurement: reading.measurement,
    tags: reading.tags,
    fields: reading.fields,
    integer_fields: [...reading.integer_fields],
    time: new Date(reading.time_ms).toISOString(),
    time_ms: reading.time_ms,
    time_source: reading.time_source,
    ...(reading.sequence !== undefined ? { sequence: reading.sequence } : {}),
  };
}

/** Returns a dead letter as a JSON object with its time as an ISO 8601 text. */
export function deadLetterJson(letter: DeadLetter): Record<string, unknown> {
  return {
    id: letter.id,
    failed: new Date(letter.failed_ms).toISOString(),
    output: letter.output,
    reason: letter.reason,
    ...(letter.reading !== undefined ? { reading: readingJson(letter.reading) } : {}),
    ...(letter.line !== undefined ? { line: letter.line } : {}),
  };
}

/** Returns a dead letter as text: time, output and reason, then the point on an indented line. */
export function deadLetterText(letter: DeadLetter): string {
  const point = letter.reading !== undefined ? JSON.stringify(readingJson(letter.reading)) : (letter.line ?? '');
  return `${new Date(letter.failed_ms).toISOString()}  ${letter.output}  ${letter.reason}\n    ${point}\n`;
}

/** Parses `--limit`: a whole number of at least 1. Throws with the value and the fix otherwise. */
function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new Error(`invalid --limit ${JSON.stringify(text)}; give a whole number of at least 1`);
  }
  return limit;
}

/** Reads the queue file, with a message that names the file and `--queue` when it is not a queue file. */
function readQueue(path: string, query: DeadLetterQuery) {
  try {
    return readDeadLetterListing(path, query);
  } catch (error) {
    if (error instanceof NotAQueueFileError) throw new Error(`--queue ${error.message}. ${QUEUE_FILE_HINT}`);
    throw error;
  }
}

export function registerDeadLettersCommand(program: Command): void {
  program
    .command('dead-letters')
    .description(
      'list the points an output rejected for good (a field type conflict, a line InfluxDB cannot parse), newest first, from the queue file; works while the gateway runs',
    )
    .option(
      '--queue <file>',
      'SQLite file of the durable queue: outputs.queue.path, or queue.db beside outputs.local_store.path (required)',
    )
    .option('--output <name>', 'only dead letters of this output (influx, upstream...); default all outputs')
    .option('--limit <count>', `maximum dead letters listed, newest first (default ${DEFAULT_LIMIT})`)
    .option('--json', 'print a JSON array instead of text')
    .action((options: DeadLettersCliOptions) => {
      try {
        const limit = parseLimit(options.limit);
        if (options.queue === undefined) {
          throw new Error(
            'missing --queue; give the queue file (outputs.queue.path, or queue.db beside outputs.local_store.path)',
          );
        }
        if (!existsSync(options.queue)) {
          throw new Error(`queue file ${options.queue} not found; check --queue. ${QUEUE_FILE_HINT}`);
        }
        const query = { limit, ...(options.output !== undefined ? { output: options.output } : {}) };
        const { letters, outputs } = readQueue(options.queue, query);
        if (letters.length === 0 && options.output !== undefined && !outputs.includes(options.output)) {
          const names = outputs.length > 0 ? `has outputs ${outputs.join(', ')}` : 'has no outputs';
          throw new Error(`no dead letters for output ${options.output}; the queue ${options.queue} ${names}`);
        }
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(letters.map(deadLetterJson), null, 2)}\n`);
          return;
        }
        if (letters.length === 0) {
          const scope = options.output === undefined ? '' : ` for output ${options.output}`;
          process.stdout.write(`no dead letters${scope} in ${options.queue}\n`);
          return;
        }
        for (const letter of letters) process.stdout.write(deadLetterText(letter));
      } catch (error) {
        process.stderr.write(`coldpool dead-letters: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
