/**
 * Decodes LoRaWAN uplinks published by a network server (formats `chirpstack_v4` and `tts_v3`). The
 * mapping's paths resolve inside the object the network server's payload codec decoded. The envelope
 * gives the device id, the source time (the network server's receive time), the sequence (FCnt) and
 * the health fields `rssi_dbm` and `snr_db` of the gateway with the best reception.
 */
import type { DeviceSample, FieldSpec, RawField } from '../sample.js';
import { type DecodeContext, emptySample, readDocument } from './document-reader.js';
import { parseJsonPayload } from './json-text.js';
import { bestGateway, type LorawanUplink, readChirpstackUplink, readTtsUplink } from './lorawan-envelope.js';
import { PayloadError, payloadExcerpt } from './payload-error.js';
import { type CompiledMapping, deviceIdSource } from './payload-mapping.js';
import { parseSourceTime } from './source-time.js';

/** Received signal strength of the best gateway, in dBm. */
const RSSI_FIELD: FieldSpec = { name: 'rssi_dbm', type: 'float', unit: 'none' };
/** Signal-to-noise ratio of the best gateway, in dB. */
const SNR_FIELD: FieldSpec = { name: 'snr_db', type: 'float', unit: 'dB' };

/** Path of the decoded object per network server, and the setting to fix when it is missing. */
const CODEC_ADVICE: Record<'chirpstack_v4' | 'tts_v3', { field: string; fix: string }> = {
  chirpstack_v4: {
    field: 'object',
    fix: 'configure a payload codec in the ChirpStack device profile so that it decodes the bytes',
  },
  tts_v3: {
    field: 'uplink_message.decoded_payload',
    fix: 'configure an uplink payload formatter for the end device or application in The Things Stack',
  },
};

function resolveDeviceId(
  topicDeviceId: string,
  uplink: LorawanUplink,
  compiled: CompiledMapping,
  payload: Buffer,
): string {
  const source = deviceIdSource(compiled.source);
  if (source === 'topic') return topicDeviceId;
  const id = source === 'dev_eui' ? uplink.dev_eui : uplink.device_name;
  if (id !== undefined) return id;
  const other = source === 'dev_eui' ? 'device_name' : 'dev_eui';
  throw new PayloadError(
    'PAYLOAD_DEVICE_ID_MISSING',
    `uplink has no ${source === 'dev_eui' ? 'DevEUI of 16 hex digits' : 'device name'}; ` +
      `set device_id_from to ${other} or topic in the mapping`,
    payloadExcerpt(payload),
  );
}

function notDecoded(
  compiled: CompiledMapping,
  uplink: LorawanUplink,
  device_id: string,
  payload: Buffer,
): PayloadError {
  const format = compiled.source.format as 'chirpstack_v4' | 'tts_v3';
  const advice = CODEC_ADVICE[format];
  const reason =
    uplink.f_port === undefined || uplink.f_port === 0
      ? `uplink from ${device_id} has no ${advice.field} because it carries MAC commands only (FPort 0), no application payload`
      : `uplink from ${device_id} on FPort ${uplink.f_port} has no decoded ${advice.field}; ${advice.fix}`;
  return new PayloadError('PAYLOAD_NOT_DECODED', reason, payloadExcerpt(payload), device_id);
}

/** Builds the sample that every mapped sample starts from: device id, receive time, FCnt and radio health. */
function envelopeSample(device_id: string, uplink: LorawanUplink, context: DecodeContext): DeviceSample {
  const base = emptySample(device_id, context);
  if (uplink.received_at !== undefined) {
    const time = parseSourceTime(uplink.received_at);
    if (time.ok) base.source_time_ms = time.time_ms;
    else base.errors.push({ field: 'time', code: 'TIME_INVALID', message: `network server ${time.reason}` });
  } else {
    base.errors.push({ field: 'time', code: 'TIME_MISSING', message: 'uplink has no network server receive time' });
  }
  if (uplink.f_cnt !== undefined) base.sequence = uplink.f_cnt;
  else {
    base.errors.push({
      field: 'sequence',
      code: 'SEQUENCE_INVALID',
      message: `frame counter must be a non-negative integer, got ${JSON.stringify(uplink.f_cnt_raw)}`,
    });
  }
  const best = bestGateway(uplink.gateways);
  const health: RawField[] = [];
  if (best?.rssi !== undefined) health.push({ spec: RSSI_FIELD, value: best.rssi });
  if (best?.snr !== undefined) health.push({ spec: SNR_FIELD, value: best.snr });
  base.fields.push(...health);
  return base;
}

/**
 * Decodes a LoRaWAN uplink into samples. Throws `PayloadError`: `PAYLOAD_JSON_INVALID` or
 * `PAYLOAD_NOT_UPLINK` when the envelope cannot be read, `PAYLOAD_DEVICE_ID_MISSING` when the chosen id
 * is absent, and `PAYLOAD_NOT_DECODED` (with the device id) when no decoded object came with the uplink.
 */
export function decodeLorawan(
  topicDeviceId: string,
  payload: Buffer,
  compiled: CompiledMapping,
  context: DecodeContext,
): DeviceSample[] {
  const { document } = parseJsonPayload(payload, compiled.source.lenient === true);
  const uplink =
    compiled.source.format === 'tts_v3' ? readTtsUplink(document, payload) : readChirpstackUplink(document, payload);
  const device_id = resolveDeviceId(topicDeviceId, uplink, compiled, payload);
  if (uplink.decoded === undefined) throw notDecoded(compiled, uplink, device_id, payload);
  return readDocument(uplink.decoded, envelopeSample(device_id, uplink, context), compiled, payload);
}
