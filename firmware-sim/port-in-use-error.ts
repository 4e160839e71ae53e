/** Raised when a simulated Modbus controller is given a fixed port that another socket already uses. */
export class ModbusPortInUseError extends Error {
  readonly code = 'SIM_MODBUS_PORT_IN_USE';

  /**
   * `port_origin` is the setting the port came from, such as `--modbus-port 5020` or `devices[1].port`,
   * which the message names as the one to change.
   */
  constructor(
    readonly device_id: string,
    readonly host: string,
    readonly port: number,
    port_origin: string,
  ) {
    super(
      `Device ${device_id} cannot listen on Modbus TCP ${host}:${port}, because the port is already in use; ` +
        `stop the process that uses it, or give ${device_id} a free port with ${port_origin}`,
    );
    this.name = 'ModbusPortInUseError';
  }
}
