import { z } from 'zod';
import { idSchema } from './site-schema.js';

/** Share of messages or requests a protocol fault hits, 0 to 1. */
const share = z.number().min(0).max(1).default(0);

/** Faults on the wire of an MQTT publisher, each drawn per message from the seeded generator. */
const mqttWireFaultsSchema = z.strictObject({
  /** Share of messages held back before publishing, so they arrive late and out of order. Default 0. */
  late_share: share,
  /** Hold-back time of a late message, simulated s. Default 120. */
  late_s: z.number().min(0).max(86_400).default(120),
  /** Share of messages cut short at a random byte (a fragment of the JSON). Default 0. */
  fragment_share: share,
  /** Share of messages replaced by random bytes (radio or serial noise). Default 0. */
  noise_share: share,
  /** Share of messages with a bare `NaN` in a number field (not valid JSON). Default 0. */
  malformed_share: share,
});

/** Faults of a Modbus server, each drawn per request from the seeded generator. */
const modbusWireFaultsSchema = z.strictObject({
  /** Share of requests whose response comes late. Default 0. */
  late_share: share,
  /** Delay of a late response, real ms (the gateway's `timeout_ms` is real time too). Default 1500. */
  late_ms: z.number().int().min(0).max(60_000).default(1500),
  /** Share of requests that get exception response 04 SERVER DEVICE FAILURE. Default 0. */
  exception_share: share,
  /** Share of requests that get no response at all. Default 0. */
  drop_share: share,
});

/** LoRaWAN network server identity of a device. */
const lorawanSchema = z.strictObject({
  /** ChirpStack application id, or The Things Stack application id. Default `coldpool`. */
  application: z.string().min(1).default('coldpool'),
  /** The Things Stack tenant. Default `coldpool`. */
  tenant: z.string().min(1).default('coldpool'),
  /** DevEUI, 16 hex digits. Default: derived from the device id. */
  dev_eui: z
    .string()
    .regex(/^[0-9a-fA-F]{16}$/, 'must be 16 hex digits')
    .optional(),
});

export const mqttDeviceSchema = z.strictObject({
  id: idSchema,
  protocol: z.literal('mqtt'),
  /** Room or truck id this device measures. */
  watches: idSchema,
  /**
   * Payload dialect: `celsius` or `fahrenheit` room node, `reefer` truck telematics, or a LoRaWAN room
   * node behind `chirpstack_v4` or `tts_v3`. Default `celsius` for rooms, `reefer` for trucks.
   */
  dialect: z.enum(['celsius', 'fahrenheit', 'reefer', 'chirpstack_v4', 'tts_v3']).optional(),
  /** Topic override. Default: the dialect's usual topic for this device. */
  topic: z.string().min(1).optional(),
  lorawan: lorawanSchema.prefault({}),
  wire_faults: mqttWireFaultsSchema.prefault({}),
});

export const modbusTcpDeviceSchema = z.strictObject({
  id: idSchema,
  protocol: z.literal('modbus_tcp'),
  /** Cold room this controller runs. */
  watches: idSchema,
  /** Modbus unit id the server answers, 1 to 247. Default 1. */
  unit_id: z.number().int().min(1).max(247).default(1),
  /** TCP port the controller listens on, on 127.0.0.1. Default: `coldpool sim --modbus-port`, or a free port. */
  port: z.number().int().min(1).max(65535).optional(),
  /** Register map the controller serves. Only the simulated controller's `generic-tenths-c` map exists. */
  register_map: z.literal('generic-tenths-c').default('generic-tenths-c'),
  wire_faults: modbusWireFaultsSchema.prefault({}),
});

export const modbusRtuDeviceSchema = z.strictObject({
  id: idSchema,
  protocol: z.literal('modbus_rtu'),
  /** Cold room this controller runs. */
  watches: idSchema,
  /** Modbus unit id on the serial line, 1 to 247. Default 1. */
  unit_id: z.number().int().min(1).max(247).default(1),
  register_map: z.literal('generic-tenths-c').default('generic-tenths-c'),
  /** Random bytes sent before every reply (line noise). Default 0. */
  noise_bytes: z.number().int().min(0).max(64).default(0),
  /** Share of replies with one bit flipped, so their CRC fails, 0..1. Default 0. */
  corrupt_share: share,
});

export const deviceSpecSchema = z.discriminatedUnion('protocol', [
  mqttDeviceSchema,
  modbusTcpDeviceSchema,
  modbusRtuDeviceSchema,
]);

export type DeviceSpec = z.infer<typeof deviceSpecSchema>;
export type MqttDeviceSpec = z.infer<typeof mqttDeviceSchema>;
export type ModbusTcpDeviceSpec = z.infer<typeof modbusTcpDeviceSchema>;
export type MqttWireFaults = z.infer<typeof mqttWireFaultsSchema>;
export type ModbusWireFaults = z.infer<typeof modbusWireFaultsSchema>;
