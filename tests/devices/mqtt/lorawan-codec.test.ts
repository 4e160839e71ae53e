import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../../devices/mqtt/json-codec.js';
import { PayloadError } from '../../../devices/mqtt/payload-error.js';
import { type PayloadMapping, PayloadMappingError } from '../../../devices/mqtt/payload-mapping.js';
import { TopicRouter } from '../../../devices/mqtt/topic-router.js';
import type { DeviceSample } from '../../../devices/sample.js';
import {
  CHIRPSTACK_DEV_EUI,
  chirpstackFirstUplink,
  chirpstackUplink,
  chirpstackUplinkWithoutCodec,
} from '../../fixtures/lorawan/chirpstack-v4-uplinks.js';
import {
  TTS_DEVICE_ID,
  ttsMacOnlyUplink,
  ttsUplink,
  ttsUplinkWithoutFormatter,
} from '../../fixtures/lorawan/tts-v3-uplinks.js';

const context = { receive_time_ms: 1_796_396_460_000, retained: false };

const chirpstack: PayloadMapping = {
  format: 'chirpstack_v4',
  fields: [
    { name: 'battery_v', type: 'float', unit: 'V', path: 'BatV' },
    { name: 'air_temp_c', type: 'float', unit: 'C', path: 'TempC_SHT' },
    { name: 'humidity_pct', type: 'float', unit: 'percent', path: 'Hum_SHT' },
  ],
};

const tts: PayloadMapping = {
  format: 'tts_v3',
  fields: [
    { name: 'battery_v', type: 'float', unit: 'V', path: 'battery_v' },
    { name: 'box_temp_c', type: 'float', unit: 'C', path: 'temperature' },
    { name: 'door_open', type: 'boolean', path: 'door' },
  ],
};

function decode(document: unknown, mapping: PayloadMapping, topicDeviceId = 'topic-id'): DeviceSample[] {
  return decodePayload(topicDeviceId, Buffer.from(JSON.stringify(document)), mapping, context);
}

function decodeError(document: unknown, mapping: PayloadMapping): PayloadError {
  try {
    decode(document, mapping);
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error('decodePayload accepted the uplink');
}

function fieldValues(sample: DeviceSample | undefined): Record<string, unknown> {
  return Object.fromEntries((sample?.fields ?? []).map((field) => [field.spec.name, field.value]));
}

describe('lorawan-codec chirpstack_v4', () => {
  it('reads fields from decoded object', () => {
    const values = fieldValues(decode(chirpstackUplink, chirpstack)[0]);
    expect(values.battery_v).toBe(3.05);
    expect(values.air_temp_c).toBe(4.21);
    expect(values.humidity_pct).toBe(82.4);
  });

  it('takes device id from devEui', () => {
    expect(decode(chirpstackUplink, chirpstack)[0]?.device_id).toBe(CHIRPSTACK_DEV_EUI);
  });

  it('takes device id from device name', () => {
    const [sample] = decode(chirpstackUplink, { ...chirpstack, device_id_from: 'device_name' });
    expect(sample?.device_id).toBe('room-7-probe');
  });

  it('keeps topic device id when asked', () => {
    expect(decode(chirpstackUplink, { ...chirpstack, device_id_from: 'topic' })[0]?.device_id).toBe('topic-id');
  });

  it('uses event time as source time', () => {
    expect(decode(chirpstackUplink, chirpstack)[0]?.source_time_ms).toBe(Date.UTC(2026, 11, 4, 15, 0, 0, 412));
  });

  it('uses frame counter as sequence', () => {
    expect(decode(chirpstackUplink, chirpstack)[0]?.sequence).toBe(1093);
  });

  it('reads omitted frame counter as 0', () => {
    expect(decode(chirpstackFirstUplink, chirpstack)[0]?.sequence).toBe(0);
  });

  it('reports best gateway health', () => {
    const values = fieldValues(decode(chirpstackUplink, chirpstack)[0]);
    expect(values.rssi_dbm).toBe(-88);
    expect(values.snr_db).toBe(9.25);
  });

  it('reports no errors for full uplink', () => {
    expect(decode(chirpstackUplink, chirpstack)[0]?.errors).toEqual([]);
  });

  it('rejects uplink without codec', () => {
    expect(decodeError(chirpstackUplinkWithoutCodec, chirpstack).code).toBe('PAYLOAD_NOT_DECODED');
  });

  it('tells to configure codec', () => {
    expect(decodeError(chirpstackUplinkWithoutCodec, chirpstack).reason).toContain('payload codec');
  });

  it('names device in codec error', () => {
    expect(decodeError(chirpstackUplinkWithoutCodec, chirpstack).device_id).toBe(CHIRPSTACK_DEV_EUI);
  });

  it('rejects flat JSON as not uplink', () => {
    expect(decodeError({ temperature: 4 }, chirpstack).code).toBe('PAYLOAD_NOT_UPLINK');
  });

  it('rejects TTS uplink as not uplink', () => {
    expect(decodeError(ttsUplink, chirpstack).code).toBe('PAYLOAD_NOT_UPLINK');
  });

  it('rejects devEui that is not hex', () => {
    const uplink = { ...chirpstackUplink, deviceInfo: { ...chirpstackUplink.deviceInfo, devEui: 'AgICAgICAgI=' } };
    expect(decodeError(uplink, chirpstack).code).toBe('PAYLOAD_DEVICE_ID_MISSING');
  });

  it('reports invalid frame counter', () => {
    const [sample] = decode({ ...chirpstackUplink, fCnt: -1 }, chirpstack);
    expect(sample?.errors.map((error) => error.code)).toEqual(['SEQUENCE_INVALID']);
  });

  it('reports invalid event time', () => {
    const [sample] = decode({ ...chirpstackUplink, time: 'yesterday' }, chirpstack);
    expect(sample?.errors.map((error) => error.code)).toEqual(['TIME_INVALID']);
  });

  it('prefers time path inside object', () => {
    const uplink = { ...chirpstackUplink, object: { ...chirpstackUplink.object, ts: 1_796_392_800 } };
    const [sample] = decode(uplink, { ...chirpstack, time_path: 'ts' });
    expect(sample?.source_time_ms).toBe(1_796_392_800_000);
  });

  it('splits arrays inside object', () => {
    const uplink = {
      ...chirpstackUplink,
      object: {
        probes: [
          { ch: 1, t: -18.2 },
          { ch: 2, t: -17.9 },
        ],
      },
    };
    const mapping: PayloadMapping = {
      format: 'chirpstack_v4',
      fields: [],
      split: {
        path: 'probes',
        tag_name: 'probe',
        tag_path: 'ch',
        fields: [{ name: 'air_temp_c', type: 'float', path: 't' }],
      },
    };
    const samples = decode(uplink, mapping);
    expect(samples.map((sample) => sample.tags)).toEqual([{ probe: '1' }, { probe: '2' }]);
    expect(samples.map((sample) => fieldValues(sample).air_temp_c)).toEqual([-18.2, -17.9]);
    expect(samples.map((sample) => fieldValues(sample).snr_db)).toEqual([9.25, 9.25]);
  });

  it('leaves health out without gateways', () => {
    const values = fieldValues(decode({ ...chirpstackUplink, rxInfo: [] }, chirpstack)[0]);
    expect(Object.keys(values)).toEqual(['battery_v', 'air_temp_c', 'humidity_pct']);
  });
});

describe('lorawan-codec tts_v3', () => {
  it('reads fields from decoded payload', () => {
    const values = fieldValues(decode(ttsUplink, tts)[0]);
    expect(values.battery_v).toBe(3.61);
    expect(values.box_temp_c).toBe(-18.4);
    expect(values.door_open).toBe(false);
  });

  it('takes device id from lowercased dev_eui', () => {
    expect(decode(ttsUplink, tts)[0]?.device_id).toBe('a1b2c3d4e5f60719');
  });

  it('takes device id from device_id', () => {
    expect(decode(ttsUplink, { ...tts, device_id_from: 'device_name' })[0]?.device_id).toBe(TTS_DEVICE_ID);
  });

  it('uses network server receive time', () => {
    expect(decode(ttsUplink, tts)[0]?.source_time_ms).toBe(Date.UTC(2026, 11, 4, 15, 0, 1, 1));
  });

  it('falls back to application server time', () => {
    const { received_at: _time, ...message } = ttsUplink.uplink_message;
    const [sample] = decode({ ...ttsUplink, uplink_message: message }, tts);
    expect(sample?.source_time_ms).toBe(Date.UTC(2026, 11, 4, 15, 0, 1, 204));
  });

  it('uses f_cnt as sequence', () => {
    expect(decode(ttsUplink, tts)[0]?.sequence).toBe(517);
  });

  it('reports best gateway health', () => {
    const values = fieldValues(decode(ttsUplink, tts)[0]);
    expect(values.rssi_dbm).toBe(-104);
    expect(values.snr_db).toBe(2.75);
  });

  it('rejects uplink without formatter', () => {
    expect(decodeError(ttsUplinkWithoutFormatter, tts).code).toBe('PAYLOAD_NOT_DECODED');
  });

  it('tells to configure formatter', () => {
    expect(decodeError(ttsUplinkWithoutFormatter, tts).reason).toContain('payload formatter');
  });

  it('explains MAC-only uplink', () => {
    expect(decodeError(ttsMacOnlyUplink, tts).reason).toContain('MAC commands only');
  });

  it('rejects missing dev_eui for dev_eui ids', () => {
    const { dev_eui: _eui, ...ids } = ttsUplink.end_device_ids;
    expect(decodeError({ ...ttsUplink, end_device_ids: ids }, tts).code).toBe('PAYLOAD_DEVICE_ID_MISSING');
  });

  it('rejects join accept message', () => {
    const join = { end_device_ids: ttsUplink.end_device_ids, join_accept: { received_at: '2026-12-04T15:00:00Z' } };
    expect(decodeError(join, tts).code).toBe('PAYLOAD_NOT_UPLINK');
  });

  it('names the missing uplink object', () => {
    const join = { end_device_ids: ttsUplink.end_device_ids, join_accept: { received_at: '2026-12-04T15:00:00Z' } };
    expect(decodeError(join, tts).reason).toMatch(
      /^payload has no uplink_message object \(it is a join_accept message\), so it is not a The Things Stack v3 uplink/,
    );
  });

  it('names both missing objects', () => {
    expect(decodeError({ temperature: 4 }, tts).reason).toMatch(
      /^payload has no end_device_ids and uplink_message objects,/,
    );
  });

  it('rejects invalid JSON', () => {
    try {
      decodePayload('x', Buffer.from('{"end_device_ids":'), tts, context);
      expect.unreachable('decodePayload accepted truncated JSON');
    } catch (error) {
      expect((error as PayloadError).code).toBe('PAYLOAD_JSON_INVALID');
    }
  });
});

describe('lorawan mapping checks', () => {
  it('rejects mapped health field name', () => {
    const mapping: PayloadMapping = { format: 'tts_v3', fields: [{ name: 'rssi_dbm', type: 'float', path: 'rssi' }] };
    expect(() => decode(ttsUplink, mapping)).toThrow(PayloadMappingError);
  });

  it('rejects payload device id for json', () => {
    const mapping: PayloadMapping = {
      format: 'json',
      device_id_from: 'dev_eui',
      fields: [{ name: 'air_temp_c', type: 'float', path: 't' }],
    };
    expect(() => decode({ t: 1 }, mapping)).toThrow(PayloadMappingError);
  });

  it('routes lorawan filter without topic id', () => {
    const router = new TopicRouter([{ filter: 'application/+/device/+/event/up', mapping: chirpstack }]);
    expect(router.route('application/a/device/b/event/up')?.device_id).toBe('');
  });

  it('still needs topic id for json', () => {
    const mapping: PayloadMapping = { format: 'json', fields: [{ name: 'air_temp_c', type: 'float', path: 't' }] };
    expect(() => new TopicRouter([{ filter: 'sensors/+/state', mapping }])).toThrow(/device_id/);
  });
});
