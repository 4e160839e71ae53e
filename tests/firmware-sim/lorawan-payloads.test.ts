import { describe, expect, it } from 'vitest';
import {
  devEuiOf,
  encodeChirpstackUplink,
  encodeTtsUplink,
  lorawanTopic,
} from '../../firmware-sim/lorawan-payloads.js';

const IDENTITY = { device_id: 'lora-1', application: 'county', tenant: 'coop' };
const READING = { temp_c: 3.256, rh_pct: 85.14, door_open: true, battery_pct: 91.6 };
const TIME_MS = Date.parse('2026-07-15T14:00:00.000Z');

describe('lorawan payloads', () => {
  it('derives a stable 16-digit DevEUI', () => {
    expect(devEuiOf(IDENTITY)).toMatch(/^[0-9a-f]{16}$/);
    expect(devEuiOf(IDENTITY)).toBe(devEuiOf({ device_id: 'lora-1' }));
  });

  it('builds the ChirpStack v4 topic', () => {
    expect(lorawanTopic('chirpstack_v4', 'lora-1', IDENTITY)).toBe(
      `application/county/device/${devEuiOf(IDENTITY)}/event/up`,
    );
  });

  it('builds the TTS v3 topic', () => {
    expect(lorawanTopic('tts_v3', 'lora-1', IDENTITY)).toBe('v3/county@coop/devices/lora-1/up');
  });

  it('encodes a ChirpStack up event', () => {
    const event = JSON.parse(encodeChirpstackUplink(IDENTITY, 12, TIME_MS, READING, null));
    expect(event.fCnt).toBe(12);
    expect(event.time).toBe('2026-07-15T14:00:00.000Z');
    expect(event.object.temperature_c).toBe(3.26);
    expect(event.deviceInfo.devEui).toBe(devEuiOf(IDENTITY));
    expect(event.rxInfo[0].rssi).toBeLessThan(-60);
    expect(typeof event.rxInfo[0].snr).toBe('number');
  });

  it('encodes frame bytes the object matches', () => {
    const event = JSON.parse(encodeChirpstackUplink(IDENTITY, 1, TIME_MS, READING, null));
    const bytes = Buffer.from(event.data, 'base64');
    expect(bytes.readInt16BE(0)).toBe(326);
    expect(bytes.readUInt16BE(2)).toBe(851);
    expect(bytes.readUInt8(4)).toBe(1);
  });

  it('encodes a TTS uplink message', () => {
    const message = JSON.parse(encodeTtsUplink(IDENTITY, 7, TIME_MS, READING, null));
    expect(message.end_device_ids.device_id).toBe('lora-1');
    expect(message.uplink_message.f_cnt).toBe(7);
    expect(message.uplink_message.decoded_payload.humidity_pct).toBe(85.1);
    expect(message.uplink_message.rx_metadata[0].rssi).toBeLessThan(-60);
    expect(message.received_at).toBe('2026-07-15T14:00:00.000Z');
  });

  it('sends the probe sentinel on a probe fault', () => {
    const message = JSON.parse(encodeTtsUplink(IDENTITY, 7, TIME_MS, READING, 'probe_fault'));
    expect(message.uplink_message.decoded_payload.temperature_c).toBe(-127);
  });

  it('writes a bare NaN when malformed', () => {
    const text = encodeChirpstackUplink(IDENTITY, 7, TIME_MS, READING, 'malformed');
    expect(text).toContain('"temperature_c":NaN');
  });

  it('repeats radio metadata per frame', () => {
    const first = encodeTtsUplink(IDENTITY, 3, TIME_MS, READING, null);
    expect(encodeTtsUplink(IDENTITY, 3, TIME_MS, READING, null)).toBe(first);
  });
});
