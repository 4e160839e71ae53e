/** Describes the machine a benchmark ran on, for the header of its BENCHMARKS.md section. */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 })
      .split('\n')[0]
      ?.trim() as string;
  } catch (error) {
    // mosquitto -h prints its version and exits with status 3.
    const output = (error as { stdout?: string }).stdout ?? '';
    return output.split('\n')[0]?.trim() || 'unknown';
  }
}

/** Returns one Markdown line: core count, CPU model, Node.js, InfluxDB, mosquitto and Redis versions. */
export function describeMachine(): string {
  const cores = cpus();
  const parts = [
    `${cores.length} cores (nproc)`,
    cores[0]?.model ?? 'unknown CPU',
    `Node.js ${process.version}`,
    firstLine('/usr/bin/influxd', ['version']),
    firstLine('/usr/sbin/mosquitto', ['-h']),
    firstLine('redis-server', ['--version']).replace(/ sha=.*/, ''),
  ];
  return parts.join('; ');
}
