/**
 * Uplinks of a LoRaWAN room sensor as two network servers forward them over MQTT:
 * - ChirpStack v4: topic `application/<application_id>/device/<dev_eui>/event/up`, JSON of the
 *   integration `UplinkEvent` (`deduplicationId`, `time`, `deviceInfo`, `fCnt`, `fPort`, `data`, `object`,
 *   `rxInfo[]` with `rssi` and `snr`, `txInfo`);
 * - The Things Stack v3: topic `v3/<application_id>@<tenant>/devices/<device_id>/up`, JSON with
 *   `end_device_ids`, `received_at` and `uplink_message` (`f_port`, `f_cnt`, `frm_payload`,
 *   `decoded_payload`, `rx_metadata[]`, `settings`).
 * Field names follow https://www.chirpstack.io/docs/chirpstack/integrations/events.html and
 * https://www.thethingsindustries.com/docs/reference/data-formats/. The decoded object is what a payload
 * codec on the network server would return for this node's bytes.
 */
import type { Fault } from './faults.js';
import { encodeJsonWithBareNaN, roundTo } from './json-encoding.js';
import { deriveSeed, Prng } from './physics/prng.js';

/** Network server identity of one device. */
export interface LorawanIdentity {
  device_id: string;
  /** Application id on the network server. Default `coldpool`. */
  application?: string;
  /** The Things Stack tenant. Default `coldpool`. */
  tenant?: string;
  /** DevEUI, 16 hex digits. Default: derived from the device id. */
  dev_eui?: string;
}

/** Values one uplink carries. */
export interface LorawanReading {
  temp_c: number;
  rh_pct: number;
  door_open: boolean;
  battery_pct: number;
}

/** Value the node's firmware sends for a failed or missing probe, °C (as the DS18B20 libraries report it). */
const PROBE_FAULT_C = -127;
/** LoRaWAN port of the measurement frames. */
const F_PORT = 2;

function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/** Returns the DevEUI of a device: its configured one, or 16 hex digits derived from its id. */
export function devEuiOf(identity: LorawanIdentity): string {
  if (identity.dev_eui !== undefined) return identity.dev_eui.toLowerCase();
  const high = hashOf(identity.device_id).toString(16).padStart(8, '0');
  const low = hashOf(`${identity.device_id}#`).toString(16).padStart(8, '0');
  return `${high}${low}`;
}

/** Returns the topic a network server publishes this device's uplinks on. */
export function lorawanTopic(
  dialect: 'chirpstack_v4' | 'tts_v3',
  device_id: string,
  identity: Partial<LorawanIdentity> = {},
): string {
  const application = identity.application ?? 'coldpool';
  if (dialect === 'chirpstack_v4') {
    return `application/${application}/device/${devEuiOf({ ...identity, device_id })}/event/up`;
  }
  return `v3/${application}@${identity.tenant ?? 'coldpool'}/devices/${device_id}/up`;
}

/** Encodes the frame bytes: int16 temperature × 100, uint16 RH × 10, flags (bit 0 door), battery %. */
function framePayload(reading: LorawanReading): string {
  const bytes = Buffer.alloc(6);
  bytes.writeInt16BE(Math.max(-32768, Math.min(32767, Math.round(reading.temp_c * 100))), 0);
  bytes.writeUInt16BE(Math.round(reading.rh_pct * 10), 2);
  bytes.writeUInt8(reading.door_open ? 1 : 0, 4);
  bytes.writeUInt8(Math.round(reading.battery_pct), 5);
  return bytes.toString('base64');
}

/** Radio metadata drawn per frame from the device id and frame counter, so a run repeats. */
function radio(identity: LorawanIdentity, f_cnt: number): { rssi: number; snr: number } {
  const prng = new Prng(deriveSeed(hashOf(identity.device_id), f_cnt));
  return { rssi: Math.round(prng.uniform(-118, -70)), snr: roundTo(prng.uniform(-8, 10), 1) };
}

function decodedObject(reading: LorawanReading, fault: Fault | null): Record<string, number | boolean | null> {
  let temperature_c: number | null = roundTo(reading.temp_c, 2);
  if (fault === 'probe_fault' || fault === 'probe_disconnected') temperature_c = PROBE_FAULT_C;
  if (fault === 'malformed') temperature_c = null;
  return {
    temperature_c,
    humidity_pct: roundTo(reading.rh_pct, 1),
    door_open: reading.door_open,
    battery_pct: Math.round(reading.battery_pct),
  };
}

function finish(envelope: unknown, fault: Fault | null): string {
  return fault === 'malformed' ? encodeJsonWithBareNaN(envelope, 'temperature_c') : JSON.stringify(envelope);
}

/** Encodes a ChirpStack v4 `up` event for frame counter `f_cnt`, received at `time_ms`. */
export function encodeChirpstackUplink(
  identity: LorawanIdentity,
  f_cnt: number,
  time_ms: number,
  reading: LorawanReading,
  fault: Fault | null,
): string {
  const dev_eui = devEuiOf(identity);
  const application = identity.application ?? 'coldpool';
  const { rssi, snr } = radio(identity, f_cnt);
  const id = `${dev_eui.slice(0, 8)}-${dev_eui.slice(8, 12)}-4${dev_eui.slice(13, 16)}-8000-${f_cnt.toString(16).padStart(12, '0')}`;
  return finish(
    {
      deduplicationId: id,
      time: new Date(time_ms).toISOString(),
      deviceInfo: {
        tenantName: identity.tenant ?? 'coldpool',
        applicationId: application,
        applicationName: application,
        deviceProfileName: 'cold-room-th',
        deviceName: identity.device_id,
        devEui: dev_eui,
      },
      devAddr: dev_eui.slice(8),
      adr: true,
      dr: 5,
      fCnt: f_cnt,
      fPort: F_PORT,
      confirmed: false,
      data: framePayload(reading),
      object: decodedObject(reading, fault),
      rxInfo: [{ gatewayId: 'a84041ffff1f2b3c', uplinkId: f_cnt, rssi, snr, channel: 2, crcStatus: 'CRC_OK' }],
      txInfo: {
        frequency: 868500000,
        modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: 'CR_4_5' } },
      },
    },
    fault,
  );
}

/** Encodes a The Things Stack v3 uplink message for frame counter `f_cnt`, received at `time_ms`. */
export function encodeTtsUplink(
  identity: LorawanIdentity,
  f_cnt: number,
  time_ms: number,
  reading: LorawanReading,
  fault: Fault | null,
): string {
  const dev_eui = devEuiOf(identity).toUpperCase();
  const received_at = new Date(time_ms).toISOString();
  const { rssi, snr } = radio(identity, f_cnt);
  return finish(
    {
      end_device_ids: {
        device_id: identity.device_id,
        application_ids: { application_id: identity.application ?? 'coldpool' },
        dev_eui,
        dev_addr: dev_eui.slice(8),
      },
      received_at,
      uplink_message: {
        f_port: F_PORT,
        f_cnt,
        frm_payload: framePayload(reading),
        decoded_payload: decodedObject(reading, fault),
        rx_metadata: [{ gateway_ids: { gateway_id: 'county-gw-1' }, rssi, channel_rssi: rssi, snr }],
        settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, frequency: '868500000' },
        received_at,
      },
    },
    fault,
  );
}
