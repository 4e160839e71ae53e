import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import { QueueLock } from '../../../gateway/queue/queue-lock.js';

function queuePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'coldpool-lock-')), 'queue.db');
}

function errorOf(action: () => unknown): { code?: string; message: string } | undefined {
  try {
    action();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  return undefined;
}

/** Returns this boot's id, as the lock records it. */
function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** Returns a process id that no process has: the id of a child that has exited. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('QueueLock', () => {
  // Another running process, standing for a second gateway that holds the lock.
  let other: ChildProcess;

  beforeAll(() => {
    other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  });

  afterAll(() => {
    other.kill();
  });

  it('creates the lock owner-only', () => {
    const path = queuePath();
    const queue = new DurableQueue({ path, outputs: ['influx'] });
    expect(statSync(`${path}.lock`).mode & 0o777).toBe(0o600);
    queue.close();
  });

  it('rejects a queue that a running process holds', () => {
    const path = queuePath();
    writeFileSync(`${path}.lock`, `${other.pid}\n`);
    const error = errorOf(() => new DurableQueue({ path, outputs: ['influx'] }));
    expect(error?.code).toBe('QUEUE_LOCKED');
    expect(error?.message).toContain(`in use by process ${other.pid}`);
    expect(error?.message).toContain('outputs.queue.path');
    expect(existsSync(path)).toBe(false);
  });

  it('names the queue path setting', () => {
    const path = queuePath();
    writeFileSync(`${path}.lock`, `${other.pid}\n`);
    const error = errorOf(() => new DurableQueue({ path, path_setting: '--queue', outputs: ['influx'] }));
    expect(error?.code).toBe('QUEUE_LOCKED');
    expect(error?.message).toContain('stop that process or give this one its own --queue');
    expect(error?.message).not.toContain('outputs.queue.path');
  });

  it('takes over the lock of an exited process', () => {
    const path = queuePath();
    writeFileSync(`${path}.lock`, `${exitedPid()}\n`);
    const queue = new DurableQueue({ path, outputs: ['influx'] });
    expect(readFileSync(`${path}.lock`, 'utf8').split('\n')[0]).toBe(String(process.pid));
    queue.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('takes over the lock of an uncollected process', async () => {
    // `sleep 0.5` exits after its parent shell has become `sleep 30`, which never collects it: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = await new Promise<number>((resolve) =>
      parent.stdout?.once('data', (chunk) => resolve(Number(chunk))),
    );
    const state = (): string | undefined => readFileSync(`/proc/${zombie}/stat`, 'utf8').match(/\) (\S)/)?.[1];
    try {
      for (let waited = 0; state() !== 'Z' && waited < 5000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state()).toBe('Z');
      const lock = new QueueLock(queuePath());
      writeFileSync(lock.path, `${zombie}\n`);
      lock.acquire();
      expect(lock.takenOver?.pid).toBe(zombie);
    } finally {
      parent.kill();
    }
  });

  it('takes over its own or an unreadable lock', () => {
    for (const content of [`${process.pid}\n`, 'not a pid\n']) {
      const path = queuePath();
      writeFileSync(`${path}.lock`, content);
      const lock = new QueueLock(path);
      lock.acquire();
      expect(readFileSync(lock.path, 'utf8').split('\n')[0]).toBe(String(process.pid));
    }
  });

  it('takes over a reused process id', () => {
    // After a reboot, the recorded process id may belong to another program.
    for (const content of [`${other.pid}\nan-earlier-boot\n1\n`, `${other.pid}\n${bootId()}\n1\n`]) {
      const lock = new QueueLock(queuePath());
      writeFileSync(lock.path, content);
      lock.acquire();
      expect(lock.takenOver?.pid).toBe(other.pid);
      expect(readFileSync(lock.path, 'utf8').split('\n')[0]).toBe(String(process.pid));
    }
  });

  it('leaves a lock it does not own', () => {
    const path = queuePath();
    const lock = new QueueLock(path);
    writeFileSync(lock.path, `${other.pid}\n`);
    lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe(`${other.pid}\n`);
  });

  it('names the folder when the lock cannot be written', () => {
    const error = errorOf(() => new QueueLock(join(queuePath(), 'missing', 'queue.db')).acquire());
    expect(error?.code).toBe('QUEUE_OPEN_FAILED');
    expect(error?.message).toContain('is writable');
  });
});
