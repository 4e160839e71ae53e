/**
 * A Modbus TCP connection to one unit, built on the `ModbusRTU` client of modbus-serial 8 and its
 * `connectTCP` port. It reads one planned request at a time and turns the library's errors into the
 * driver's typed errors.
 *
 * modbus-serial splits received bytes into frames by the MBAP length field and matches each frame to its
 * request by transaction id, so a late response to a timed-out request is dropped rather than delivered as
 * the response to the next one. It counts transaction ids modulo 256, though, so an id comes back after 256
 * requests. `ModbusTcpDevice` therefore drops the connection after every timeout.
 * NOTE: modbus-serial drops stale frames silently, so the driver cannot count or report them.
 *
 * modbus-serial 8.0.25 never removes a finished request from its `_transactions` map (index.js), so each
 * client keeps up to 256 requests with their callbacks, promises and buffers, and a gateway polling many
 * devices grows by that much per connection. `read` removes its own entry once the request has settled.
 */
import modbusSerial from 'modbus-serial';
import { ModbusConnectionError, ModbusExceptionError, ModbusFrameError, ModbusTimeoutError } from './errors.js';
import type { ReadRequest } from './request-plan.js';

// modbus-serial is CommonJS: its module object is the ModbusRTU class and also carries it as `default`.
const ModbusRTU = modbusSerial.default;

/** Private fields of a modbus-serial 8 client over TCP that `read` uses to drop a finished request. */
interface ClientInternals {
  /** Requests by MBAP transaction id (index.js). */
  _transactions?: Record<number, unknown>;
  /** The TCP port, with the transaction id its next request gets (ports/tcpport.js). */
  _port?: { _transactionIdWrite?: unknown };
}

export interface TcpClientOptions {
  host: string;
  port: number;
  /** Unit identifier sent in the MBAP header, 0 to 255. */
  unit_id: number;
  /** Time to wait for a connection or a response, in milliseconds. */
  timeout_ms: number;
}

/** One TCP connection. After `close()` or a lost connection, make a new instance to reconnect. */
export class ModbusTcpClient {
  private readonly client = new ModbusRTU();
  private unitId: number;

  constructor(private readonly options: TcpClientOptions) {
    this.unitId = options.unit_id;
    // modbus-serial re-emits socket errors; a failed read or connect already reports them.
    this.client.on('error', () => {});
  }

  get isOpen(): boolean {
    return this.client.isOpen;
  }

  /** Opens the connection. Throws `ModbusConnectionError` when it is refused or takes over `timeout_ms`. */
  async connect(): Promise<void> {
    const { host, port, timeout_ms } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection after ${timeout_ms} ms`)), timeout_ms);
    });
    try {
      await Promise.race([this.client.connectTCP(host, { port }), timeout]);
    } catch (error) {
      this.close();
      throw new ModbusConnectionError(host, port, (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
    this.client.setID(this.unitId);
    this.client.setTimeout(timeout_ms);
  }

  /** Addresses later requests to `unitId`, for a scan of the units behind one TCP gateway. */
  setUnitId(unitId: number): void {
    this.unitId = unitId;
    this.client.setID(unitId);
  }

  /** Sends one read request and returns register words (function codes 3, 4) or bits (1, 2). */
  async read(request: ReadRequest): Promise<number[] | boolean[]> {
    const internals = this.client as unknown as ClientInternals;
    // The library registers the request under this id synchronously, before its promise settles.
    const transactionId = internals._port?._transactionIdWrite;
    try {
      return await this.send(request);
    } finally {
      // A late reply to a request removed here finds no entry, and modbus-serial ignores it.
      if (typeof transactionId === 'number' && internals._transactions !== undefined) {
        delete internals._transactions[transactionId];
      }
    }
  }

  private async send(request: ReadRequest): Promise<number[] | boolean[]> {
    try {
      switch (request.function_code) {
        case 1:
          return (await this.client.readCoils(request.start, request.quantity)).data.slice(0, request.quantity);
        case 2:
          return (await this.client.readDiscreteInputs(request.start, request.quantity)).data.slice(
            0,
            request.quantity,
          );
        case 3:
          return (await this.client.readHoldingRegisters(request.start, request.quantity)).data;
        default:
          return (await this.client.readInputRegisters(request.start, request.quantity)).data;
      }
    } catch (error) {
      throw this.typedError(request, error as Error & { modbusCode?: number; errno?: string });
    }
  }

  /** Closes the socket at once; pending requests fail with a timeout. */
  close(): void {
    this.client.destroy(() => {});
  }

  private typedError(request: ReadRequest, error: Error & { modbusCode?: number; errno?: string }): Error {
    const target = {
      unit_id: this.unitId,
      function_code: request.function_code,
      address: request.start,
      quantity: request.quantity,
    };
    if (typeof error.modbusCode === 'number') return new ModbusExceptionError(target, error.modbusCode);
    if (error.name === 'TransactionTimedOutError' || error.errno === 'ETIMEDOUT') {
      return new ModbusTimeoutError(target, this.options.timeout_ms);
    }
    if (error.name === 'PortNotOpenError') {
      return new ModbusConnectionError(this.options.host, this.options.port, 'the connection is closed');
    }
    return new ModbusFrameError(
      `invalid reply from ${this.options.host}:${this.options.port}: ${error.message}`,
      target,
    );
  }
}
