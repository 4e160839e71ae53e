/**
 * A Modbus TCP device polled on its own timer. Each device has its own connection, retry and back-off,
 * so a slow or dead device never delays another. The driver never logs: it emits samples, errors and
 * state changes for the gateway to handle.
 */
import { type ModbusTcpDeviceOptions, validateDeviceOptions } from './device-options.js';
import { PolledModbusDevice, type RequestResult } from './polled-device.js';
import type { ReadRequest } from './request-plan.js';
import { ModbusTcpClient } from './tcp-client.js';

export type { ModbusTcpDeviceOptions } from './device-options.js';
export type { DeviceHealth, ModbusDeviceEvents, PollErrorEvent, StateEvent } from './polled-device.js';

export class ModbusTcpDevice extends PolledModbusDevice {
  private readonly options: ModbusTcpDeviceOptions;
  private client: ModbusTcpClient | undefined;

  /** Checks the options and plans the requests. Throws `ModbusConfigError` for an invalid field or option. */
  constructor(options: ModbusTcpDeviceOptions) {
    validateDeviceOptions(options);
    super(options);
    this.options = options;
  }

  protected async readRequest(request: ReadRequest): Promise<RequestResult> {
    const client = await this.connected();
    const sent = performance.now();
    const values = await client.read(request);
    return { values, rtt_ms: performance.now() - sent };
  }

  /** A late response would arrive out of step with the next request, so a fresh connection replaces this one. */
  protected afterTimeout(): void {
    this.release();
  }

  protected release(): void {
    this.client?.close();
    this.client = undefined;
  }

  private async connected(): Promise<ModbusTcpClient> {
    if (this.client?.isOpen) return this.client;
    this.release();
    const client = new ModbusTcpClient(this.options);
    await client.connect();
    this.client = client;
    return client;
  }
}
