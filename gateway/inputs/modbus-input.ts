import type { RegisterField } from '../../devices/modbus/register-field.js';
import { ModbusTcpDevice } from '../../devices/modbus/tcp-device.js';
import type { DeviceSample } from '../../devices/sample.js';
import type { ResolvedModbusDevice } from '../config/resolve.js';
import type { EventBus } from '../events.js';
import type { SampleHandler } from './mqtt-input.js';

function registerFields(device: ResolvedModbusDevice): RegisterField[] {
  return device.registers.map((field) => ({ ...field }));
}

/**
 * The Modbus TCP input: one driver per device, each polling on its own timer. Samples go to the pipeline
 * with the device's identity; failed polls and up/down changes go to the bus.
 */
export class ModbusInput {
  private readonly drivers: ModbusTcpDevice[] = [];

  constructor(
    devices: readonly ResolvedModbusDevice[],
    private readonly bus: EventBus,
    onSample: SampleHandler,
  ) {
    for (const device of devices) {
      const driver = new ModbusTcpDevice({
        id: device.id,
        host: device.host,
        port: device.port,
        unit_id: device.unit_id,
        poll_interval_ms: Math.round(device.poll_interval_s * 1000),
        timeout_ms: device.timeout_ms,
        retries: device.retries,
        backoff_max_ms: Math.round(device.backoff_max_s * 1000),
        max_registers_per_read: device.max_registers_per_read,
        max_gap: device.max_gap,
        fields: registerFields(device),
      });
      driver.on('sample', (sample: DeviceSample) => onSample(sample, device));
      driver.on('poll_error', ({ device_id, error }) => {
        const code = (error as { code?: string }).code ?? 'MODBUS_POLL_FAILED';
        this.bus.emit('input_problem', { source: 'modbus', code, message: error.message, device_id });
      });
      driver.on('state', ({ device_id, up }) => {
        const health = driver.health();
        this.bus.emit('device_state', {
          device_id,
          up,
          consecutive_failures: health.consecutive_failures,
          ...(health.last_error !== undefined ? { last_error: health.last_error } : {}),
        });
      });
      this.drivers.push(driver);
    }
  }

  start(): void {
    for (const driver of this.drivers) driver.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.drivers.map((driver) => driver.stop()));
  }
}
