/**
 * The poll loop, retry rules and health counters shared by Modbus TCP and RTU devices. A subclass sends one
 * request to the device, and this class plans the requests, polls on a fixed grid of slots
 * (`PollSchedule`), backs off a failing device and emits samples, errors and state changes. A timeout,
 * a malformed reply or a gateway exception (10, 11) fails the whole poll as one `poll_error`. Any other
 * exception reply fails only its request, as one `request_error`, and the sample lacks that request's fields.
 * The driver never logs.
 */
import { EventEmitter } from 'node:events';
import type { DeviceSample, FieldError, RawField } from '../sample.js';
import type { ModbusPollOptions } from './device-options.js';
import {
  EXCEPTION_GATEWAY_PATH_UNAVAILABLE,
  EXCEPTION_GATEWAY_TARGET_FAILED,
  EXCEPTION_SERVER_BUSY,
  ModbusExceptionError,
  ModbusTimeoutError,
} from './errors.js';
import { decodeRequestFields } from './field-decoder.js';
import { PollSchedule } from './poll-schedule.js';
import { planRequests, type ReadRequest } from './request-plan.js';

/** Payload of the `poll_error` event: a poll that produced no sample. */
export interface PollErrorEvent {
  device_id: string;
  error: Error;
}

/**
 * Payload of the `request_error` event: one read request got an exception reply, so the fields it covers
 * are left out of the poll's sample while the other requests of the poll go on.
 */
export interface RequestErrorEvent {
  device_id: string;
  request: ReadRequest;
  error: ModbusExceptionError;
}

/** Payload of the `state` event, sent when the device goes up or down. */
export interface StateEvent {
  device_id: string;
  up: boolean;
}

export interface ModbusDeviceEvents {
  sample: [DeviceSample];
  poll_error: [PollErrorEvent];
  request_error: [RequestErrorEvent];
  state: [StateEvent];
}

/** Counters and the last outcome of a device's polls, the source of the `device_health` series. */
export interface DeviceHealth {
  up: boolean;
  consecutive_failures: number;
  /** Message of the last error that failed a poll. */
  last_error?: string;
  /** Stable code of that error, such as `MODBUS_TIMEOUT`. */
  last_error_code?: string;
  /** Round-trip time of the last request that got a response, in milliseconds. */
  last_rtt_ms?: number;
  /** End of the last poll, integer milliseconds since the epoch. */
  last_poll_ms?: number;
  polls_ok: number;
  polls_failed: number;
  /** Scheduled polls that returned a sample before their slot ended. */
  polls_on_time: number;
  /** Slots in which no poll started: the previous poll overran, the device backed off, or the timer was late. */
  slots_skipped: number;
  /** Time from the start of the last scheduled poll's slot to the start of the poll, in milliseconds. */
  last_poll_lag_ms?: number;
}

/** Register words (function codes 3, 4) or bits (1, 2) of one reply, and the time the request took. */
export interface RequestResult {
  values: number[] | boolean[];
  /** Time from sending the request to the complete reply, in milliseconds. */
  rtt_ms: number;
}

/**
 * Exception codes that mean the device behind a gateway did not respond (Modbus Application Protocol
 * v1.1b3 section 7, codes 10 and 11). The device is unreachable, so the poll fails and the device is down.
 */
const UNREACHABLE_EXCEPTIONS = new Set([EXCEPTION_GATEWAY_PATH_UNAVAILABLE, EXCEPTION_GATEWAY_TARGET_FAILED]);

export abstract class PolledModbusDevice extends EventEmitter<ModbusDeviceEvents> {
  /** Read requests of one poll, in the order they are sent. */
  readonly plan: ReadRequest[];
  private readonly state: DeviceHealth = {
    up: false,
    consecutive_failures: 0,
    polls_ok: 0,
    polls_failed: 0,
    polls_on_time: 0,
    slots_skipped: 0,
  };
  private timer: NodeJS.Timeout | undefined;
  private schedule: PollSchedule | undefined;
  private running = false;
  /** False until the first poll settles, so the first outcome is always sent as a `state` event. */
  private stateKnown = false;
  /** Chain that runs polls of this device one at a time. */
  private pending: Promise<unknown> = Promise.resolve();

  /** Plans the requests of validated `options`. Throws `ModbusConfigError` for an invalid field. */
  protected constructor(protected readonly pollOptions: ModbusPollOptions) {
    super();
    this.plan = planRequests(pollOptions.fields, {
      max_registers: pollOptions.max_registers_per_read,
      max_gap: pollOptions.max_gap,
    });
  }

  get id(): string {
    return this.pollOptions.id;
  }

  /** Sends one request and returns its reply. Throws the driver's typed errors. */
  protected abstract readRequest(request: ReadRequest): Promise<RequestResult>;

  /** Called after a request timed out and before it is sent again, to bring the link back in step. */
  protected abstract afterTimeout(): void;

  /** Called after a poll failed, and after `stop()`, to release the link. */
  protected abstract release(): void;

  /**
   * Starts polling after `poll_offset_ms` and then every `poll_interval_ms` on a fixed grid; failures arrive
   * as `poll_error` events.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    const { poll_interval_ms, poll_offset_ms } = this.pollOptions;
    this.schedule = new PollSchedule(poll_interval_ms, Date.now() + (poll_offset_ms ?? 0));
    this.armTimer(this.schedule);
  }

  /** Stops polling and releases the link. A read already sent finishes or times out first. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pending.catch(() => {});
    this.release();
  }

  /**
   * Reads every planned request once. An exception reply turns that request's fields into sample errors
   * and leaves the device up. A timeout after `retries` more attempts, a lost link, or exception 10 or 11
   * from a gateway rejects the whole read and marks the device down.
   */
  readOnce(): Promise<DeviceSample> {
    const read = this.pending.catch(() => {}).then(() => this.readAll());
    this.pending = read;
    return read;
  }

  health(): DeviceHealth {
    return { ...this.state };
  }

  private armTimer(schedule: PollSchedule): void {
    this.timer = setTimeout(() => void this.pollCycle(schedule), Math.max(0, schedule.nextSlot - Date.now()));
  }

  private async pollCycle(schedule: PollSchedule): Promise<void> {
    const start = schedule.begin(Date.now());
    this.state.slots_skipped += start.skipped;
    this.state.last_poll_lag_ms = start.lag_ms;
    let ok = true;
    try {
      const sample = await this.readOnce();
      if (schedule.endedInSlot(start.slot_ms, Date.now())) this.state.polls_on_time++;
      if (this.running) this.emit('sample', sample);
    } catch (error) {
      ok = false;
      if (this.running) this.emit('poll_error', { device_id: this.id, error: error as Error });
    }
    if (!this.running) return;
    this.state.slots_skipped += schedule.advance(start.slot_ms, Date.now(), this.nextDelayMs(ok)).skipped;
    this.armTimer(schedule);
  }

  /**
   * Time from the start of this poll's slot to the earliest next poll: the poll interval, or after failures
   * the interval doubled per consecutive failure, capped at `backoff_max_ms` but never shorter than the
   * interval.
   */
  private nextDelayMs(ok: boolean): number {
    const { poll_interval_ms, backoff_max_ms } = this.pollOptions;
    if (ok) return poll_interval_ms;
    const doubled = poll_interval_ms * 2 ** Math.min(this.state.consecutive_failures - 1, 30);
    return Math.max(poll_interval_ms, Math.min(backoff_max_ms, doubled));
  }

  private async readAll(): Promise<DeviceSample> {
    const fields: RawField[] = [];
    const errors: FieldError[] = [];
    try {
      for (const request of this.plan) {
        try {
          const reply = await this.readWithRetry(request);
          const decoded = decodeRequestFields(request, reply);
          fields.push(...decoded.fields);
          errors.push(...decoded.errors);
        } catch (error) {
          if (!(error instanceof ModbusExceptionError) || UNREACHABLE_EXCEPTIONS.has(error.exception_code)) throw error;
          // One event for the request, not one error per field: the fields it covers are simply absent.
          this.emit('request_error', { device_id: this.id, request, error });
        }
      }
    } catch (error) {
      this.recordFailure(error as Error);
      throw error;
    }
    this.recordSuccess();
    return { device_id: this.id, receive_time_ms: Date.now(), retained: false, fields, errors };
  }

  private async readWithRetry(request: ReadRequest): Promise<number[] | boolean[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.readRequest(request);
        this.state.last_rtt_ms = Math.round(result.rtt_ms);
        return result.values;
      } catch (error) {
        if (attempt >= this.pollOptions.retries || !isRetryable(error)) throw error;
        if (error instanceof ModbusTimeoutError) {
          this.afterTimeout();
        } else {
          await sleep(this.pollOptions.retry_wait_ms ?? 100);
        }
      }
    }
  }

  private recordSuccess(): void {
    this.state.polls_ok++;
    this.state.consecutive_failures = 0;
    this.state.last_poll_ms = Date.now();
    this.setUp(true);
  }

  private recordFailure(error: Error): void {
    this.state.polls_failed++;
    this.state.consecutive_failures++;
    this.state.last_error = error.message;
    this.state.last_error_code = (error as { code?: string }).code ?? 'MODBUS_POLL_FAILED';
    this.state.last_poll_ms = Date.now();
    this.release();
    this.setUp(false);
  }

  private setUp(up: boolean): void {
    if (this.stateKnown && this.state.up === up) return;
    this.stateKnown = true;
    this.state.up = up;
    this.emit('state', { device_id: this.id, up });
  }
}

/**
 * A timeout, a busy exception (6) or a gateway whose target failed to respond (11) may succeed when sent
 * again; every other error fails the same way twice.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof ModbusTimeoutError) return true;
  if (!(error instanceof ModbusExceptionError)) return false;
  return error.exception_code === EXCEPTION_SERVER_BUSY || error.exception_code === EXCEPTION_GATEWAY_TARGET_FAILED;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
