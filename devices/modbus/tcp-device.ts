/**
 * A Modbus TCP device polled on its own timer. Each device has its own connection, retry and back-off,
 * so a slow or dead device never delays another. The driver never logs: it emits samples, errors and
 * state changes for the gateway to handle.
 */
import { EventEmitter } from 'node:events';
import type { DeviceSample, FieldError, RawField } from '../sample.js';
import { type ModbusTcpDeviceOptions, validateDeviceOptions } from './device-options.js';
import { EXCEPTION_SERVER_BUSY, ModbusExceptionError, ModbusTimeoutError } from './errors.js';
import { decodeRequestFields, requestErrors } from './field-decoder.js';
import { planRequests, type ReadRequest } from './request-plan.js';
import { ModbusTcpClient } from './tcp-client.js';

export type { ModbusTcpDeviceOptions } from './device-options.js';

/** Payload of the `poll_error` event: a poll that produced no sample. */
export interface PollErrorEvent {
  device_id: string;
  error: Error;
}

/** Payload of the `state` event, sent when the device goes up or down. */
export interface StateEvent {
  device_id: string;
  up: boolean;
}

export interface ModbusDeviceEvents {
  sample: [DeviceSample];
  poll_error: [PollErrorEvent];
  state: [StateEvent];
}

/** Counters and the last outcome of a device's polls. */
export interface DeviceHealth {
  up: boolean;
  consecutive_failures: number;
  last_error?: string;
  /** Round-trip time of the last request that got a response, in milliseconds. */
  last_rtt_ms?: number;
  polls_ok: number;
  polls_failed: number;
}

export class ModbusTcpDevice extends EventEmitter<ModbusDeviceEvents> {
  private readonly options: ModbusTcpDeviceOptions;
  private readonly plan: ReadRequest[];
  private readonly state: DeviceHealth = { up: false, consecutive_failures: 0, polls_ok: 0, polls_failed: 0 };
  private client: ModbusTcpClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** False until the first poll settles, so the first outcome is always sent as a `state` event. */
  private stateKnown = false;
  /** Chain that runs reads one at a time on the single connection. */
  private pending: Promise<unknown> = Promise.resolve();

  /** Checks the options and plans the requests. Throws `ModbusConfigError` for an invalid field or option. */
  constructor(options: ModbusTcpDeviceOptions) {
    super();
    validateDeviceOptions(options);
    this.options = options;
    this.plan = planRequests(options.fields, {
      max_registers: options.max_registers_per_read,
      max_gap: options.max_gap,
    });
  }

  /** Starts polling at once and then every `poll_interval_ms`; failures arrive as `poll_error` events. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling and closes the connection. A read already sent finishes or times out first. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pending.catch(() => {});
    this.disconnect();
  }

  /**
   * Reads every planned request once. An exception reply turns that request's fields into sample errors
   * and leaves the device up. A timeout, after `retries` more attempts, or a lost connection rejects the
   * whole read and marks the device down.
   */
  readOnce(): Promise<DeviceSample> {
    const read = this.pending.catch(() => {}).then(() => this.readAll());
    this.pending = read;
    return read;
  }

  health(): DeviceHealth {
    return { ...this.state };
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.pollCycle(), delayMs);
  }

  private async pollCycle(): Promise<void> {
    const started = Date.now();
    let ok = true;
    try {
      const sample = await this.readOnce();
      if (this.running) this.emit('sample', sample);
    } catch (error) {
      ok = false;
      if (this.running) this.emit('poll_error', { device_id: this.options.id, error: error as Error });
    }
    if (!this.running) return;
    this.schedule(Math.max(0, this.nextDelayMs(ok) - (Date.now() - started)));
  }

  /**
   * Time from the start of this poll to the next: the poll interval, or after failures the interval
   * doubled per consecutive failure, capped at `backoff_max_ms` but never shorter than the interval.
   */
  private nextDelayMs(ok: boolean): number {
    const { poll_interval_ms, backoff_max_ms } = this.options;
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
          if (!(error instanceof ModbusExceptionError)) throw error;
          errors.push(...requestErrors(request, error));
        }
      }
    } catch (error) {
      this.recordFailure(error as Error);
      throw error;
    }
    this.recordSuccess();
    return { device_id: this.options.id, receive_time_ms: Date.now(), retained: false, fields, errors };
  }

  private async readWithRetry(request: ReadRequest): Promise<number[] | boolean[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await this.connected();
        const sent = performance.now();
        const reply = await client.read(request);
        this.state.last_rtt_ms = Math.round(performance.now() - sent);
        return reply;
      } catch (error) {
        if (attempt >= this.options.retries || !this.isRetryable(error)) throw error;
        if (error instanceof ModbusTimeoutError) {
          // A late response would arrive out of step with the next request, so a fresh connection replaces this one.
          this.disconnect();
        } else {
          await sleep(this.options.retry_wait_ms ?? 100);
        }
      }
    }
  }

  private isRetryable(error: unknown): boolean {
    if (error instanceof ModbusTimeoutError) return true;
    return error instanceof ModbusExceptionError && error.exception_code === EXCEPTION_SERVER_BUSY;
  }

  private async connected(): Promise<ModbusTcpClient> {
    if (this.client?.isOpen) return this.client;
    this.disconnect();
    const client = new ModbusTcpClient(this.options);
    await client.connect();
    this.client = client;
    return client;
  }

  private disconnect(): void {
    this.client?.close();
    this.client = undefined;
  }

  private recordSuccess(): void {
    this.state.polls_ok++;
    this.state.consecutive_failures = 0;
    this.setUp(true);
  }

  private recordFailure(error: Error): void {
    this.state.polls_failed++;
    this.state.consecutive_failures++;
    this.state.last_error = error.message;
    this.disconnect();
    this.setUp(false);
  }

  private setUp(up: boolean): void {
    if (this.stateKnown && this.state.up === up) return;
    this.stateKnown = true;
    this.state.up = up;
    this.emit('state', { device_id: this.options.id, up });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
