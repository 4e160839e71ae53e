/**
 * A pair of linked pseudo-terminals made by socat, standing in for an RS-485 line: bytes written to one
 * end arrive at the other. Each test starts its own pair and kills that socat by its process id.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SerialPort } from 'serialport';

export interface PtyPair {
  /** Path the gateway side opens. */
  gateway_path: string;
  /** Path the device side (a simulator or a raw peer) opens. */
  device_path: string;
  /** Kills socat, which removes both links, and then the folder unless `keepFolder` is true. */
  close(keepFolder?: boolean): Promise<void>;
}

/**
 * Starts `socat` with two raw, non-echoing ptys linked under a fresh temporary folder, or under the
 * paths of `previous` to bring back a pair that was closed with `keepFolder`.
 */
export async function startPtyPair(previous?: PtyPair): Promise<PtyPair> {
  const folder = previous ? dirname(previous.gateway_path) : mkdtempSync(join(tmpdir(), 'coldpool-pty-'));
  const gatewayPath = join(folder, 'gateway');
  const devicePath = join(folder, 'device');
  const socat: ChildProcess = spawn(
    'socat',
    [`pty,raw,echo=0,link=${gatewayPath}`, `pty,raw,echo=0,link=${devicePath}`],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  while (!(existsSync(gatewayPath) && existsSync(devicePath))) {
    if (Date.now() > deadline || socat.exitCode !== null) {
      socat.kill();
      throw new Error(`socat did not create ${gatewayPath} and ${devicePath} within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    gateway_path: gatewayPath,
    device_path: devicePath,
    close: async (keepFolder = false) => {
      if (socat.exitCode === null && socat.pid !== undefined) {
        const exited = new Promise((resolve) => socat.once('exit', resolve));
        process.kill(socat.pid, 'SIGTERM');
        await exited;
      }
      if (!keepFolder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A raw serial peer: every chunk it receives, and a port to write exact bytes with. */
export interface RawSerialPeer {
  port: SerialPort;
  received: Buffer[];
  /** Resolves with the next chunk that completes at least `bytes` bytes received since the last call. */
  nextRequest(bytes?: number): Promise<Buffer>;
  write(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Opens `path` as a raw peer that records what it receives. */
export async function openRawPeer(path: string): Promise<RawSerialPeer> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const received: Buffer[] = [];
  let pending = Buffer.alloc(0);
  let waiter: { bytes: number; resolve: (request: Buffer) => void } | undefined;
  const deliver = () => {
    if (waiter && pending.length >= waiter.bytes) {
      const request = pending.subarray(0, waiter.bytes);
      pending = pending.subarray(waiter.bytes);
      const { resolve } = waiter;
      waiter = undefined;
      resolve(request);
    }
  };
  port.on('data', (chunk: Buffer) => {
    received.push(chunk);
    pending = Buffer.concat([pending, chunk]);
    deliver();
  });
  return {
    port,
    received,
    nextRequest: (bytes = 8) =>
      new Promise<Buffer>((resolve) => {
        waiter = { bytes, resolve };
        deliver();
      }),
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(bytes);
        port.drain((error) => (error ? reject(error) : resolve()));
      }),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
