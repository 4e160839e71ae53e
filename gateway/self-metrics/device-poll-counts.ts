/** Per-device poll results, counted from the gateway's bus for the self-metrics. */
import type { EventBus } from '../events.js';

/** Poll results of one device since the gateway started. */
export interface DevicePollCounts {
  device_id: string;
  /** Modbus input problems of the device: failed polls, and read requests that got an exception reply. */
  poll_errors: number;
  /** Last known state from `device_state`; true until a device is reported down. */
  up: boolean;
}

/** Counts input problems and up/down changes per device. */
export class DevicePollCounter {
  private readonly devices = new Map<string, DevicePollCounts>();
  private readonly detach: () => void;

  constructor(bus: EventBus) {
    const onProblem = ({ device_id, source }: { device_id?: string; source: string }): void => {
      if (device_id === undefined || source !== 'modbus') return;
      this.entry(device_id).poll_errors += 1;
    };
    const onState = ({ device_id, up }: { device_id: string; up: boolean }): void => {
      this.entry(device_id).up = up;
    };
    bus.on('input_problem', onProblem);
    bus.on('device_state', onState);
    this.detach = () => {
      bus.off('input_problem', onProblem);
      bus.off('device_state', onState);
    };
  }

  /** Returns a copy of every device's counts. */
  counts(): DevicePollCounts[] {
    return [...this.devices.values()].map((entry) => ({ ...entry }));
  }

  close(): void {
    this.detach();
  }

  private entry(device_id: string): DevicePollCounts {
    let entry = this.devices.get(device_id);
    if (entry === undefined) {
      entry = { device_id, poll_errors: 0, up: true };
      this.devices.set(device_id, entry);
    }
    return entry;
  }
}
