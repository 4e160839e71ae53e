/**
 * One Modbus RTU device on a serial bus. It polls on its own timer with its own timeout, retries and
 * back-off. Its requests go through the bus queue, so the line carries one request at a time.
 */
import type { ModbusRtuDeviceOptions } from './device-options.js';
import { PolledModbusDevice, type RequestResult } from './polled-device.js';
import type { ReadRequest } from './request-plan.js';

export type { ModbusRtuDeviceOptions } from './device-options.js';

/** The part of the bus a device uses: the request queue. */
export interface RtuRequestQueue {
  read(unitId: number, request: ReadRequest, timeoutMs: number, continuesPoll: boolean): Promise<RequestResult>;
}

export class ModbusRtuDevice extends PolledModbusDevice {
  readonly unit_id: number;
  /** True while the device has replied to the previous request of the poll in progress. */
  private replying = false;

  /** Made by `ModbusRtuBus.addDevice`, which checks the options first. */
  constructor(
    private readonly options: ModbusRtuDeviceOptions,
    private readonly bus: RtuRequestQueue,
  ) {
    super(options);
    this.unit_id = options.unit_id;
  }

  protected async readRequest(request: ReadRequest): Promise<RequestResult> {
    const continuesPoll = this.replying && request !== this.plan[0];
    this.replying = false;
    try {
      const result = await this.bus.read(this.options.unit_id, request, this.options.timeout_ms, continuesPoll);
      this.replying = true;
      return result;
    } catch (error) {
      // An exception reply is still a reply: the device is there and the poll goes on.
      this.replying = (error as { code?: string }).code === 'MODBUS_EXCEPTION';
      throw error;
    }
  }

  /** The bus flushes the line before every request, so a late reply cannot shift later ones. */
  protected afterTimeout(): void {}

  /** The line belongs to the bus and stays open for the other devices. */
  protected release(): void {}
}
