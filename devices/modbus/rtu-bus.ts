/**
 * A Modbus RTU bus: one serial line and the devices on it. Every device keeps its own poll timer, timeout,
 * retries and back-off, but the line carries one request at a time (Modbus over Serial Line v1.02
 * section 2.4.1), so requests wait their turn in a queue. A device that stops replying holds the line
 * for at most its own `timeout_ms` per attempt, and its back-off thins out its turns.
 *
 * The queue has two lanes. The first request of a poll and every retry join the back of the queue. The
 * next request of a poll whose last request got a reply joins the front lane, so a poll that has started
 * runs to its end, and a healthy device's poll waits for at most one timed-out attempt of each silent one.
 */

import { type ModbusRtuDeviceOptions, validateRtuDeviceOptions } from './device-options.js';
import { ModbusConfigError, ModbusExceptionError, ModbusFrameError, type RequestTarget } from './errors.js';
import type { DeviceHealth, RequestResult } from './polled-device.js';
import { unpackBits, wordsFromBytes } from './register-codec.js';
import type { ReadRequest } from './request-plan.js';
import { ModbusRtuDevice } from './rtu-device.js';
import { buildReadRequest, parseRtuReply } from './rtu-frame.js';
import { type ResolvedLineSettings, type RtuLineSettings, resolveLineSettings } from './rtu-line.js';
import { replyByteCount } from './rtu-reply-scanner.js';
import { type RtuLineStats, RtuTransport } from './rtu-transport.js';

export type ModbusRtuBusOptions = RtuLineSettings;

interface QueuedRead {
  run(): Promise<RequestResult>;
  resolve(result: RequestResult): void;
  reject(error: unknown): void;
}

/** Health of one device on the bus, with its id and unit id. */
export interface RtuDeviceHealth extends DeviceHealth {
  device_id: string;
  unit_id: number;
}

export class ModbusRtuBus {
  /** Line settings with defaults filled in. */
  readonly settings: ResolvedLineSettings;
  private readonly transport: RtuTransport;
  private readonly devices: ModbusRtuDevice[] = [];
  /** Requests that continue a poll in progress; they go before `waiting`. */
  private readonly continuing: QueuedRead[] = [];
  /** First requests of polls and retries, first come, first served. */
  private readonly waiting: QueuedRead[] = [];
  /** The request on the line, if any. */
  private active: Promise<unknown> | undefined;

  /** Checks the line settings. Throws `ModbusConfigError` for an invalid one. The port opens on first use. */
  constructor(options: ModbusRtuBusOptions) {
    this.settings = resolveLineSettings(options);
    this.transport = new RtuTransport(this.settings);
  }

  /**
   * Adds a device polled on this bus and returns it; listen to its `sample`, `poll_error` and `state`
   * events. Throws `ModbusConfigError` for an invalid option or a unit id already on the bus.
   */
  addDevice(options: ModbusRtuDeviceOptions): ModbusRtuDevice {
    validateRtuDeviceOptions(options);
    const clash = this.devices.find((device) => device.unit_id === options.unit_id);
    if (clash) {
      throw new ModbusConfigError(
        `Modbus device ${options.id}: unit_id ${options.unit_id} is already used by ${clash.id} on ${this.settings.path}, give each device on a bus its own unit id`,
      );
    }
    const device = new ModbusRtuDevice(options, this);
    this.devices.push(device);
    return device;
  }

  /** Starts polling every device. */
  start(): void {
    for (const device of this.devices) device.start();
  }

  /** Stops every device, waits for the request on the line, then closes the port. */
  async stop(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.stop()));
    await this.active?.catch(() => {});
    await this.transport.close();
  }

  /** Health of every device on the bus, in the order they were added. */
  health(): RtuDeviceHealth[] {
    return this.devices.map((device) => ({ device_id: device.id, unit_id: device.unit_id, ...device.health() }));
  }

  /** Counters of requests, replies and discarded bytes on the line. */
  stats(): RtuLineStats {
    return { ...this.transport.stats };
  }

  /**
   * Queues one read request to `unitId` and returns its register words or bits. With `continues_poll`
   * the request goes before every first request and retry. Throws `ModbusTimeoutError`,
   * `ModbusExceptionError`, `ModbusFrameError` or `ModbusSerialError`.
   */
  read(unitId: number, request: ReadRequest, timeoutMs: number, continuesPoll = false): Promise<RequestResult> {
    return new Promise<RequestResult>((resolve, reject) => {
      const queued: QueuedRead = { run: () => this.readNow(unitId, request, timeoutMs), resolve, reject };
      (continuesPoll ? this.continuing : this.waiting).push(queued);
      this.next();
    });
  }

  /** Starts the next queued request when the line is free. */
  private next(): void {
    if (this.active) return;
    const queued = this.continuing.shift() ?? this.waiting.shift();
    if (!queued) return;
    const active = queued.run().then(queued.resolve, queued.reject);
    this.active = active;
    void active.then(() => {
      this.active = undefined;
      this.next();
    });
  }

  private async readNow(unitId: number, request: ReadRequest, timeoutMs: number): Promise<RequestResult> {
    const target: RequestTarget = {
      unit_id: unitId,
      function_code: request.function_code,
      address: request.start,
      quantity: request.quantity,
    };
    const frame = buildReadRequest(unitId, request.function_code, request.start, request.quantity);
    const expected = {
      unit_id: unitId,
      function_code: request.function_code,
      byte_count: replyByteCount(request.function_code, request.quantity),
      request: frame,
    };
    try {
      await this.transport.open();
      const reply = await this.transport.transact(frame, expected, target, timeoutMs);
      return { values: decodeReply(reply.frame, request, target), rtt_ms: reply.rtt_ms };
    } finally {
      await sleep(this.settings.inter_request_delay_ms);
    }
  }
}

function decodeReply(frame: Uint8Array, request: ReadRequest, target: RequestTarget): number[] | boolean[] {
  try {
    const reply = parseRtuReply(frame);
    if (reply.kind === 'exception') throw new ModbusExceptionError(target, reply.exception_code);
    if (request.function_code === 1 || request.function_code === 2) return unpackBits(reply.data, request.quantity);
    const words = wordsFromBytes(reply.data);
    if (words.length !== request.quantity) {
      throw new ModbusFrameError(`RTU reply has ${words.length} registers, expected ${request.quantity}`);
    }
    return words;
  } catch (error) {
    // The frame parser does not see the request, so its errors get the request added here.
    if (error instanceof ModbusFrameError && error.target === undefined) {
      throw new ModbusFrameError(error.message, target);
    }
    throw error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
