/** Runs `power-loss-writer.ts` as a child process and follows the durable prefix it prints. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A running writer and the highest sequence it has reported durable so far. */
export class PowerLossChild {
  readonly process: ChildProcess;
  /** Highest sequence number up to which the writer reported every reading durable, or 0 before its first report. */
  durable = 0;
  private readonly closed: Promise<void>;
  private partialLine = '';

  constructor(queue_path: string, seed: number) {
    this.process = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/faults/support/power-loss-writer.ts', queue_path, String(seed)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.process.stdout?.setEncoding('utf8');
    this.process.stdout?.on('data', (chunk: string) => this.readLines(chunk));
    this.closed = new Promise((resolve) => this.process.once('close', () => resolve()));
  }

  get pid(): number {
    const pid = this.process.pid;
    if (pid === undefined) throw new Error('the power-loss writer did not start; see its stderr above');
    return pid;
  }

  /** Waits until the writer has reported at least `sequence` durable. Throws after `timeout_ms`. */
  async waitDurable(sequence: number, timeout_ms: number): Promise<void> {
    const deadline = Date.now() + timeout_ms;
    while (this.durable < sequence) {
      if (Date.now() > deadline) {
        throw new Error(
          `the power-loss writer reported ${this.durable} durable within ${timeout_ms} ms, expected ${sequence}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Kills the writer with SIGKILL and waits until its stdout is read to the end. */
  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.closed;
  }

  private readLines(chunk: string): void {
    const lines = (this.partialLine + chunk).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (/^\d+$/.test(line)) this.durable = Math.max(this.durable, Number(line));
    }
  }
}
