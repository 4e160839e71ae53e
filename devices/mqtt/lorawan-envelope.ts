/**
 * Reads the envelope of a LoRaWAN uplink as a network server publishes it over MQTT: ChirpStack v4
 * integration event `up` (integration.proto `UplinkEvent`, https://www.chirpstack.io/docs/chirpstack/integrations/events.html)
 * and The Things Stack v3 uplink message (https://www.thethingsindustries.com/docs/reference/data-formats/).
 * Both are the Protocol Buffers JSON mapping, which leaves out fields that hold their default value
 * (0, "" or false), so a missing frame counter is 0.
 */
import { PayloadError, payloadExcerpt } from './payload-error.js';

/** Radio metadata of one gateway that received the uplink. */
export interface GatewayReception {
  /** Received signal strength in dBm. */
  rssi?: number;
  /** Signal-to-noise ratio in dB. */
  snr?: number;
}

/** The parts of an uplink that coldpool reads, the same for every network server. */
export interface LorawanUplink {
  /** DevEUI as 16 lowercase hex digits, if the uplink carries one. */
  dev_eui?: string;
  /** Device name or id given on the network server (ChirpStack `deviceName`, The Things Stack `device_id`). */
  device_name?: string;
  /** Raw receive time value of the network server, parsed later like any payload timestamp. */
  received_at?: unknown;
  /** Uplink frame counter FCnt: 0 when the JSON leaves it out, undefined when it is not a non-negative integer. */
  f_cnt?: number;
  /** The frame counter value as it was in the JSON, for error messages. */
  f_cnt_raw?: unknown;
  /** FPort; 0 or absent means the frame carries MAC commands only. */
  f_port?: number;
  /** Object the network server's payload codec decoded from the bytes; undefined when there is none. */
  decoded?: Record<string, unknown>;
  /** Radio metadata per receiving gateway, in the order the network server lists them. */
  gateways: GatewayReception[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Normalises a DevEUI to lowercase hex; ChirpStack v4 writes it lowercase, The Things Stack uppercase. */
function devEui(value: unknown): string | undefined {
  const text = optionalString(value);
  return text !== undefined && /^[0-9a-fA-F]{16}$/.test(text) ? text.toLowerCase() : undefined;
}

function gatewaysOf(list: unknown): GatewayReception[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((entry) => {
    const reception: GatewayReception = {};
    const rssi = optionalNumber(entry.rssi);
    const snr = optionalNumber(entry.snr);
    if (rssi !== undefined) reception.rssi = rssi;
    if (snr !== undefined) reception.snr = snr;
    return reception;
  });
}

function notUplink(reason: string, payload: Buffer): PayloadError {
  return new PayloadError('PAYLOAD_NOT_UPLINK', reason, payloadExcerpt(payload));
}

function buildUplink(parts: {
  dev_eui: unknown;
  device_name: unknown;
  received_at: unknown;
  f_cnt: unknown;
  f_port: unknown;
  decoded: unknown;
  gateways: unknown;
}): LorawanUplink {
  const uplink: LorawanUplink = { gateways: gatewaysOf(parts.gateways) };
  const fCnt = parts.f_cnt ?? 0;
  if (typeof fCnt === 'number' && Number.isSafeInteger(fCnt) && fCnt >= 0) uplink.f_cnt = fCnt;
  else uplink.f_cnt_raw = fCnt;
  const eui = devEui(parts.dev_eui);
  const name = optionalString(parts.device_name);
  const fPort = optionalNumber(parts.f_port);
  if (eui !== undefined) uplink.dev_eui = eui;
  if (name !== undefined) uplink.device_name = name;
  if (parts.received_at !== undefined) uplink.received_at = parts.received_at;
  if (fPort !== undefined) uplink.f_port = fPort;
  if (isObject(parts.decoded)) uplink.decoded = parts.decoded;
  return uplink;
}

/**
 * Reads a ChirpStack v4 `up` event (topic `application/<id>/device/<devEui>/event/up`). Throws
 * `PayloadError` with `PAYLOAD_NOT_UPLINK` when the document has no `deviceInfo` object.
 */
export function readChirpstackUplink(document: unknown, payload: Buffer): LorawanUplink {
  if (!isObject(document) || !isObject(document.deviceInfo)) {
    const v3 = isObject(document) && 'devEUI' in document ? ' (it looks like a ChirpStack v3 event)' : '';
    throw notUplink(
      `payload has no deviceInfo object, so it is not a ChirpStack v4 uplink event${v3}; ` +
        'subscribe to application/+/device/+/event/up, or use format tts_v3 for The Things Stack',
      payload,
    );
  }
  return buildUplink({
    dev_eui: document.deviceInfo.devEui,
    device_name: document.deviceInfo.deviceName,
    received_at: document.time,
    f_cnt: document.fCnt,
    f_port: document.fPort,
    decoded: document.object,
    gateways: document.rxInfo,
  });
}

/** Messages other than uplinks that The Things Stack v3 publishes for a device, by their top-level key. */
const TTS_OTHER_MESSAGES = [
  'join_accept',
  'downlink_ack',
  'downlink_nack',
  'downlink_sent',
  'downlink_failed',
  'downlink_queued',
  'location_solved',
  'service_data',
];

/** Describes which objects of a The Things Stack v3 uplink `document` lacks, and which other message it is. */
function missingTtsObjects(document: unknown): string {
  if (!isObject(document)) return 'payload is not a JSON object with end_device_ids and uplink_message';
  const missing = ['end_device_ids', 'uplink_message'].filter((key) => !isObject(document[key]));
  const other = TTS_OTHER_MESSAGES.find((key) => isObject(document[key]));
  const kind = other === undefined ? '' : ` (it is a ${other} message)`;
  return `payload has no ${missing.join(' and ')} object${missing.length > 1 ? 's' : ''}${kind}`;
}

/**
 * Reads a The Things Stack v3 uplink message (topic `v3/<app>@<tenant>/devices/<device-id>/up`). The
 * receive time is the Network Server's (`uplink_message.received_at`), else the Application Server's
 * (`received_at`). Throws `PayloadError` with `PAYLOAD_NOT_UPLINK` without `end_device_ids` and `uplink_message`.
 */
export function readTtsUplink(document: unknown, payload: Buffer): LorawanUplink {
  if (!isObject(document) || !isObject(document.end_device_ids) || !isObject(document.uplink_message)) {
    throw notUplink(
      `${missingTtsObjects(document)}, so it is not a The Things Stack v3 uplink message; ` +
        'subscribe to v3/<app>@<tenant>/devices/+/up only, or use format chirpstack_v4 for ChirpStack',
      payload,
    );
  }
  const message = document.uplink_message;
  return buildUplink({
    dev_eui: document.end_device_ids.dev_eui,
    device_name: document.end_device_ids.device_id,
    received_at: message.received_at ?? document.received_at,
    f_cnt: message.f_cnt,
    f_port: message.f_port,
    decoded: message.decoded_payload,
    gateways: message.rx_metadata,
  });
}

/**
 * Returns the gateway with the best reception: the highest SNR, then the highest RSSI. SNR decides
 * first because it is the margin the receiver demodulates with; RSSI alone also counts noise.
 */
export function bestGateway(gateways: readonly GatewayReception[]): GatewayReception | undefined {
  let best: GatewayReception | undefined;
  for (const gateway of gateways) {
    if (gateway.rssi === undefined && gateway.snr === undefined) continue;
    if (best === undefined) {
      best = gateway;
      continue;
    }
    const snr = gateway.snr ?? Number.NEGATIVE_INFINITY;
    const bestSnr = best.snr ?? Number.NEGATIVE_INFINITY;
    const rssi = gateway.rssi ?? Number.NEGATIVE_INFINITY;
    if (snr > bestSnr || (snr === bestSnr && rssi > (best.rssi ?? Number.NEGATIVE_INFINITY))) best = gateway;
  }
  return best;
}
