import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../../devices/mqtt/json-codec.js';
import type { PayloadMapping } from '../../../devices/mqtt/payload-mapping.js';
import type { DeviceSample } from '../../../devices/sample.js';
import { builtInProfiles } from '../../../gateway/config/load.js';
import { chirpstackUplink } from '../../fixtures/lorawan/chirpstack-v4-uplinks.js';
import { TTS_DEVICE_ID, ttsUplink } from '../../fixtures/lorawan/tts-v3-uplinks.js';

const context = { receive_time_ms: 1_796_396_460_000, retained: false };

/** Reads a built-in LoRaWAN profile as the gateway config validates it. */
function profileMapping(file: string): PayloadMapping {
  const profile = builtInProfiles()[file.replace(/\.yaml$/, '')];
  if (!profile?.payload) throw new Error(`built-in profile ${file} has no payload mapping`);
  return profile.payload as PayloadMapping;
}

function decode(document: unknown, mapping: PayloadMapping): DeviceSample | undefined {
  return decodePayload('topic-id', Buffer.from(JSON.stringify(document)), mapping, context)[0];
}

function fieldValues(sample: DeviceSample | undefined): Record<string, unknown> {
  return Object.fromEntries((sample?.fields ?? []).map((field) => [field.spec.name, field.value]));
}

describe('lorawan-lht65-chirpstack profile', () => {
  const mapping = profileMapping('lorawan-lht65-chirpstack.yaml');

  it('reads every mapped field', () => {
    expect(fieldValues(decode(chirpstackUplink, mapping))).toEqual({
      rssi_dbm: -88,
      snr_db: 9.25,
      battery_v: 3.05,
      air_temp_c: 4.21,
      humidity_pct: 82.4,
      probe_temp_c: 327.67,
    });
  });

  it('marks missing probe sentinel', () => {
    const probe = decode(chirpstackUplink, mapping)?.fields.find((field) => field.spec.name === 'probe_temp_c');
    expect(probe?.spec.sentinels).toContain(probe?.value);
  });
});

describe('lorawan-door-temp-tts profile', () => {
  const mapping = profileMapping('lorawan-door-temp-tts.yaml');

  it('reads every mapped field', () => {
    expect(fieldValues(decode(ttsUplink, mapping))).toEqual({
      rssi_dbm: -104,
      snr_db: 2.75,
      battery_v: 3.61,
      box_temp_c: -18.4,
      door_open: false,
    });
  });

  it('names device by TTS device id', () => {
    expect(decode(ttsUplink, mapping)?.device_id).toBe(TTS_DEVICE_ID);
  });
});
