import { z } from 'zod';
import { storedName } from './field-schema.js';
import { hostSchema } from './host-schema.js';
import { checkedPayloadSchema as payloadSchema } from './payload-schema.js';
import { registerField } from './register-schema.js';

const deviceId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

const tagValue = z
  .string()
  .min(1)
  .refine((value) => !value.endsWith('\\'), 'cannot end in a backslash (InfluxDB 1.x cannot store it)')
  .refine((value) => !/[\r\n]/.test(value), 'cannot contain a line break');

/** Keys every device has, whatever its protocol. */
const deviceCommon = {
  /** Unique device id, stored as the `device` tag. */
  id: deviceId,
  /** Asset the device watches (a cold room, a truck), stored as the `asset` tag. Default: the device id. */
  asset: tagValue.optional(),
  /** Site tag. Default: the top-level `site`. */
  site: tagValue.optional(),
  /** Name of a built-in or configured profile that supplies the measurement and field mapping. */
  profile: z.string().min(1).optional(),
  /** InfluxDB measurement. Default: the profile's, else `cold_room`. */
  measurement: storedName.optional(),
  /** Extra tags written with every reading of this device. */
  tags: z.record(storedName, tagValue).optional(),
};

export const mqttDevice = z.strictObject({
  ...deviceCommon,
  protocol: z.literal('mqtt'),
  /** Exact topic the device publishes to (no wildcards; use `mqtt.subscriptions` for patterns). */
  topic: z
    .string()
    .min(1)
    .refine((topic) => !/[+#]/.test(topic), 'must be an exact topic; put wildcard patterns under mqtt.subscriptions'),
  /** Payload mapping; overrides the profile's. */
  payload: payloadSchema.optional(),
});

/** Poll timing and register map keys shared by Modbus TCP and RTU devices. */
const modbusPolling = {
  /** Seconds between the starts of two polls. */
  poll_interval_s: z.number().positive().max(86400).default(10),
  /** Milliseconds to wait for each reply. */
  timeout_ms: z.number().int().min(50).max(60000).default(1000),
  /** Attempts after a failed request before the poll counts as failed. */
  retries: z.number().int().min(0).max(10).default(1),
  /** Upper bound of the reconnect backoff, in seconds. */
  backoff_max_s: z.number().positive().max(3600).default(60),
  /** Largest register count per read, for devices that accept fewer than 125. */
  max_registers_per_read: z.number().int().min(1).max(125).default(125),
  /** Unused registers allowed between two fields merged into one read. */
  max_gap: z.number().int().min(0).max(124).default(8),
  /** Register map; overrides the profile's. */
  registers: z.array(registerField).min(1).optional(),
};

export const modbusTcpDevice = z.strictObject({
  ...deviceCommon,
  protocol: z.literal('modbus_tcp'),
  /** Host of the Modbus TCP server or gateway. */
  host: hostSchema,
  /** TCP port. */
  port: z.number().int().min(1).max(65535).default(502),
  /** Unit identifier (slave id) behind the TCP address. */
  unit_id: z.number().int().min(0).max(255).default(1),
  ...modbusPolling,
});

export const modbusRtuDevice = z.strictObject({
  ...deviceCommon,
  protocol: z.literal('modbus_rtu'),
  /** Id of the serial bus (under `buses`) the device is wired to. */
  bus: z.string().min(1),
  /** Serial address of the device on its bus. */
  unit_id: z.number().int().min(1).max(247),
  ...modbusPolling,
});

export const deviceSchema = z.discriminatedUnion('protocol', [mqttDevice, modbusTcpDevice, modbusRtuDevice]);

const baudRates = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

/** An RS-485 bus behind a serial adapter; its devices are polled in turn, one request on the wire at a time. */
export const busSchema = z.strictObject({
  /** Id that devices name in `bus`. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
  /** Serial device path, such as /dev/ttyUSB0 or /dev/serial/by-id/... */
  path: z.string().min(1),
  /** Bits per second. */
  baud_rate: z
    .number()
    .refine((rate) => baudRates.includes(rate), `must be one of ${baudRates.join(', ')}`)
    .default(9600),
  /** Parity bit; the Modbus serial specification's default is even, many controllers ship with none. */
  parity: z.enum(['none', 'even', 'odd']).default('even'),
  /** Data bits per character; RTU carries 8-bit bytes. */
  data_bits: z.literal(8).default(8),
  /** Stop bits. */
  stop_bits: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Silence before each request, in milliseconds. Default: 3.5 characters at the baud rate, at least 2 ms. */
  inter_request_delay_ms: z.number().min(0).max(10_000).optional(),
});

export type BusConfig = z.infer<typeof busSchema>;

export type DeviceConfig = z.infer<typeof deviceSchema>;
export type MqttDeviceConfig = z.infer<typeof mqttDevice>;
export type ModbusTcpDeviceConfig = z.infer<typeof modbusTcpDevice>;
export type ModbusRtuDeviceConfig = z.infer<typeof modbusRtuDevice>;

/** A reusable mapping: a payload mapping for MQTT devices or a register map for Modbus devices. */
export const profileSchema = z.strictObject({
  description: z.string().optional(),
  /** Manual or datasheet the mapping follows (name and version). */
  manual: z.string().optional(),
  protocol: z.enum(['mqtt', 'modbus']),
  measurement: storedName.default('cold_room'),
  payload: payloadSchema.optional(),
  registers: z.array(registerField).min(1).optional(),
});

export type ProfileConfig = z.infer<typeof profileSchema>;

/** A wildcard subscription that maps many topics to devices, taking the device id from a topic level. */
export const subscriptionSchema = z.strictObject({
  /** MQTT topic filter with `+` or `#`. */
  topic: z.string().min(1),
  /**
   * Zero-based topic level that holds the device id (`sim/rooms/+/state` → 2). Leave it out when the
   * profile reads the id from the payload (LoRaWAN formats).
   */
  device_id_segment: z.number().int().min(0).max(31).optional(),
  /** Profile that maps the payload. */
  profile: z.string().min(1),
  site: tagValue.optional(),
  measurement: storedName.optional(),
  tags: z.record(storedName, tagValue).optional(),
});

export type SubscriptionConfig = z.infer<typeof subscriptionSchema>;
