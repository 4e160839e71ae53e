#!/usr/bin/env -S node --max-semi-space-size=4 --single-threaded-gc
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';
import { errorText } from './error-text.js';

type Register = (program: Command) => void;

/**
 * Command modules by name, loaded on demand: `coldpool run` then never loads the PDF, planning or
 * simulator libraries that other commands use, which keeps the gateway's memory low on small boxes.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./commands/demo.js')).registerDemoCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  ingest: async () => (await import('./commands/ingest.js')).registerIngestCommand,
  'check-config': async () => (await import('./commands/check-config.js')).registerCheckConfigCommand,
  decode: async () => (await import('./commands/decode.js')).registerDecodeCommand,
  status: async () => (await import('./commands/status.js')).registerStatusCommand,
  read: async () => (await import('./commands/read.js')).registerReadCommand,
  scan: async () => (await import('./commands/scan.js')).registerScanCommand,
  report: async () => (await import('./commands/report.js')).registerReportCommand,
  audit: async () => (await import('./commands/audit.js')).registerAuditCommand,
  'dead-letters': async () => (await import('./commands/dead-letters.js')).registerDeadLettersCommand,
  passwd: async () => (await import('./commands/passwd.js')).registerPasswdCommand,
  plan: async () => (await import('./commands/plan.js')).registerPlanCommand,
  bench: async () => (await import('./commands/bench.js')).registerBenchCommand,
  sim: async () => (await import('./commands/sim.js')).registerSimCommand,
};

/**
 * Returns the version in the nearest package.json above this file, which is the repository's from
 * gateway/cli/ and from dist/gateway/cli/ alike.
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

// Every command writes through process.stdout, so one listener covers them all.
exitQuietlyOnClosedPipe(process.stdout);

const program = new Command();
program
  .name('coldpool')
  .version(packageVersion())
  .description('Cold-chain edge gateway: MQTT and Modbus sensors to InfluxDB, alarms, and pooled-delivery planning')
  .showHelpAfterError();

// A known command name loads only that command; help, versions and typos load them all.
const requested = process.argv[2] ?? '';
const names = requested in COMMANDS ? [requested] : Object.keys(COMMANDS);
for (const name of names) (await (COMMANDS[name] as () => Promise<Register>)())(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`coldpool: ${errorText(error)}\n`);
  process.exit(1);
});
