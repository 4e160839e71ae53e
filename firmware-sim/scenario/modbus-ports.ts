import type { Scenario } from './scenario-schema.js';

/** TCP port of one Modbus TCP device of a scenario, with the setting it came from. */
export interface ModbusPortChoice {
  /** Port to listen on; 0 picks a free port at start. */
  port: number;
  /** Setting that fixed the port, such as `devices[1].port`, for the error when the port is in use. */
  origin?: string;
}

/**
 * Picks the port of every Modbus TCP device, by device id: the device's own `port` key, otherwise
 * `base` plus the device's index among the Modbus TCP devices without a `port` key (0 for the first),
 * otherwise 0.
 * `base_origin` names the setting of `base` in errors. Raises a RangeError when a port would pass 65535
 * or two devices would share one.
 */
export function modbusTcpPorts(
  scenario: Scenario,
  base?: number,
  base_origin = '--modbus-port',
): Map<string, ModbusPortChoice> {
  const choices = new Map<string, ModbusPortChoice>();
  let tcp_index = 0;
  scenario.devices.forEach((device, index) => {
    if (device.protocol !== 'modbus_tcp') return;
    if (device.port !== undefined) {
      choices.set(device.id, { port: device.port, origin: `devices[${index}].port` });
    } else if (base !== undefined) {
      const origin = `${base_origin} ${base} (the Nth Modbus TCP device without a port key listens on ${base} + N - 1)`;
      choices.set(device.id, { port: base + tcp_index, origin });
      tcp_index += 1;
    } else {
      choices.set(device.id, { port: 0 });
    }
  });
  checkPorts(choices);
  return choices;
}

function checkPorts(choices: Map<string, ModbusPortChoice>): void {
  const owners = new Map<number, string>();
  for (const [device_id, choice] of choices) {
    if (choice.port === 0) continue;
    if (choice.port > 65535) {
      throw new RangeError(`Modbus TCP port ${choice.port} of ${device_id} is above 65535; lower ${choice.origin}`);
    }
    const owner = owners.get(choice.port);
    if (owner !== undefined) {
      throw new RangeError(
        `Modbus TCP devices ${owner} and ${device_id} would both listen on port ${choice.port}; change ${choice.origin}`,
      );
    }
    owners.set(choice.port, device_id);
  }
}
