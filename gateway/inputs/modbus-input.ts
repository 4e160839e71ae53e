import type { Logger } from 'pino';
import type { DeviceHealth, PolledModbusDevice } from '../../devices/modbus/polled-device.js';
import type { RegisterField } from '../../devices/modbus/register-field.js';
import { describePlan } from '../../devices/modbus/request-plan.js';
import { ModbusRtuBus } from '../../devices/modbus/rtu-bus.js';
import type { RtuLineStats } from '../../devices/modbus/rtu-transport.js';
import { ModbusTcpDevice } from '../../devices/modbus/tcp-device.js';
import type { DeviceSample } from '../../devices/sample.js';
import type { BusConfig } from '../config/device-schema.js';
import type { ResolvedModbusDevice, ResolvedRtuDevice } from '../config/resolve.js';
import type { EventBus } from '../events.js';
import type { Reading } from '../reading.js';
import type { SampleHandler } from './mqtt-input.js';

type ModbusDevice = ResolvedModbusDevice | ResolvedRtuDevice;

/**
 * Time between the first slots of two groups of devices, in milliseconds. Devices in one group poll
 * together, so their readings share one durable-queue commit. In single runs of bench/modbus.ts (1,000
 * devices at 1 s, 2 cores), groups 50 ms apart took half the gateway CPU of one device per millisecond.
 * Their event-loop delay p99 was near 25 ms, against near 100 ms with every device in one group.
 */
const GROUP_SPACING_MS = 50;

/**
 * Computes the delay of device `index` of `count` from the start to its first slot. The devices split into
 * groups `GROUP_SPACING_MS` apart over the interval, so they do not all poll, and connect, at once.
 */
export function pollOffsetMs(index: number, count: number, poll_interval_ms: number): number {
  const groups = Math.max(1, Math.floor(poll_interval_ms / GROUP_SPACING_MS));
  const group = Math.floor((index * groups) / count);
  return Math.floor((group * poll_interval_ms) / groups);
}

/** Poll settings every Modbus driver takes, converted from the config's seconds to milliseconds. */
function pollOptions(device: ModbusDevice, index: number, count: number) {
  const poll_interval_ms = Math.round(device.poll_interval_s * 1000);
  return {
    id: device.id,
    unit_id: device.unit_id,
    poll_interval_ms,
    poll_offset_ms: pollOffsetMs(index, count, poll_interval_ms),
    timeout_ms: device.timeout_ms,
    retries: device.retries,
    backoff_max_ms: Math.round(device.backoff_max_s * 1000),
    max_registers_per_read: device.max_registers_per_read,
    max_gap: device.max_gap,
    fields: device.registers.map((field): RegisterField => ({ ...field })),
  };
}

/** Returns the last error as `CODE: message`, the form the fleet state gives input problems. */
function describeError(health: DeviceHealth): string {
  return health.last_error_code === undefined
    ? `${health.last_error}`
    : `${health.last_error_code}: ${health.last_error}`;
}

/**
 * Builds one point of the `device_health` series after each poll: whether the device replied, how many
 * polls in a row failed, how many polls returned within their slot and how many slots had no poll, how
 * late the last poll started, the last error and the round-trip time of its last successful request.
 */
function healthReading(device: ModbusDevice, driver: PolledModbusDevice, time_ms: number): Reading {
  const health = driver.health();
  const fields: Reading['fields'] = {
    up: health.up,
    consecutive_failures: health.consecutive_failures,
    polls_ok: health.polls_ok,
    polls_failed: health.polls_failed,
    polls_on_time: health.polls_on_time,
    slots_skipped: health.slots_skipped,
  };
  if (health.last_poll_lag_ms !== undefined) fields.poll_lag_ms = health.last_poll_lag_ms;
  if (health.last_error !== undefined) fields.last_error = health.last_error.slice(0, 200);
  if (health.last_rtt_ms !== undefined) fields.rtt_ms = health.last_rtt_ms;
  return {
    measurement: 'device_health',
    tags: { site: device.site, asset: device.asset, device: device.id },
    fields,
    integer_fields: new Set([
      'consecutive_failures',
      'polls_ok',
      'polls_failed',
      'polls_on_time',
      'slots_skipped',
      'poll_lag_ms',
    ]),
    time_ms,
    time_source: 'receive',
  };
}

/**
 * The Modbus input: one driver per TCP device and one bus per serial line with its devices, each device
 * on its own timer. Samples go to the pipeline with the device's identity; failed polls, failed requests
 * and up/down changes go to the bus. One info line per device summarises its request plan.
 */
export class ModbusInput {
  private readonly tcpDevices: ModbusTcpDevice[] = [];
  private readonly buses: ModbusRtuBus[] = [];
  /** Config id of each entry of `buses`, by position. */
  private readonly busIds: string[] = [];

  constructor(
    devices: readonly ModbusDevice[],
    buses: readonly BusConfig[],
    private readonly bus: EventBus,
    private readonly onSample: SampleHandler,
    private readonly log: Logger,
  ) {
    const indexOf = new Map(devices.map((device, index) => [device.id, index]));
    const optionsOf = (device: ModbusDevice) => pollOptions(device, indexOf.get(device.id) ?? 0, devices.length);
    for (const device of devices) {
      if (device.protocol !== 'modbus_tcp') continue;
      const driver = new ModbusTcpDevice({ ...optionsOf(device), host: device.host, port: device.port });
      this.tcpDevices.push(driver);
      this.wire(driver, device);
    }
    for (const line of buses) {
      const members = devices.filter(
        (device): device is ResolvedRtuDevice => device.protocol === 'modbus_rtu' && device.bus === line.id,
      );
      if (members.length === 0) continue;
      const rtuBus = new ModbusRtuBus({
        path: line.path,
        baud_rate: line.baud_rate,
        parity: line.parity,
        data_bits: line.data_bits,
        stop_bits: line.stop_bits,
        ...(line.inter_request_delay_ms !== undefined ? { inter_request_delay_ms: line.inter_request_delay_ms } : {}),
      });
      for (const device of members) this.wire(rtuBus.addDevice(optionsOf(device)), device);
      this.buses.push(rtuBus);
      this.busIds.push(line.id);
      this.log.info(
        { bus: line.id, path: line.path, baud_rate: line.baud_rate, parity: line.parity, devices: members.length },
        'modbus rtu bus configured',
      );
    }
  }

  private wire(driver: PolledModbusDevice, device: ModbusDevice): void {
    this.log.info({ device_id: device.id, ...describePlan(driver.plan) }, 'modbus request plan');
    driver.on('sample', (sample: DeviceSample) => {
      this.onSample(sample, device);
      this.bus.emit('device_health', healthReading(device, driver, sample.receive_time_ms));
    });
    driver.on('poll_error', ({ device_id, error }) => {
      const code = (error as { code?: string }).code ?? 'MODBUS_POLL_FAILED';
      this.bus.emit('input_problem', { source: 'modbus', code, message: error.message, device_id });
      this.bus.emit('device_health', healthReading(device, driver, Date.now()));
    });
    // The exception message names the function code, start address and quantity of the failed request.
    driver.on('request_error', ({ device_id, error }) => {
      const request = `fc${error.function_code}@${error.address}+${error.quantity}`;
      this.bus.emit('input_problem', {
        source: 'modbus',
        code: error.code,
        message: error.message,
        device_id,
        request,
      });
    });
    driver.on('state', ({ device_id, up }) => {
      const health = driver.health();
      this.bus.emit('device_state', {
        device_id,
        up,
        consecutive_failures: health.consecutive_failures,
        ...(health.last_error !== undefined ? { last_error: describeError(health) } : {}),
      });
    });
  }

  /** Returns the line counters of each RTU bus (requests, timeouts, CRC errors, discarded bytes), by bus id. */
  rtuLineStats(): Array<{ bus: string; stats: RtuLineStats }> {
    return this.buses.map((rtuBus, index) => ({ bus: this.busIds[index] ?? '', stats: rtuBus.stats() }));
  }

  start(): void {
    for (const driver of this.tcpDevices) driver.start();
    for (const rtuBus of this.buses) rtuBus.start();
  }

  async stop(): Promise<void> {
    await Promise.all([
      ...this.tcpDevices.map((driver) => driver.stop()),
      ...this.buses.map((rtuBus) => rtuBus.stop()),
    ]);
  }
}
