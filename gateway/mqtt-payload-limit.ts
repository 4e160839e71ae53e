/** Payload size limit of the embedded broker, checked by the gateway's own publishers before they send. */

/**
 * A message larger than the broker's `mqtt.broker.max_payload_bytes`. It is not sent, because the
 * embedded broker closes the connection of a client that publishes one, and a QoS 1 client would send
 * it again after every reconnect.
 */
export class MqttPayloadTooLargeError extends Error {
  readonly code = 'MQTT_PAYLOAD_TOO_LARGE';
  constructor(
    readonly topic: string,
    readonly size_bytes: number,
    readonly limit_bytes: number,
  ) {
    super(
      `MQTT message to ${topic} not sent: ${size_bytes} bytes exceeds the broker limit of ${limit_bytes} bytes ` +
        '(mqtt.broker.max_payload_bytes)',
    );
    this.name = 'MqttPayloadTooLargeError';
  }
}

/** Throws `MqttPayloadTooLargeError` when `payload` in UTF-8 is larger than `limitBytes`; no limit when undefined. */
export function checkPayloadSize(topic: string, payload: string, limitBytes: number | undefined): void {
  if (limitBytes === undefined) return;
  const size = Buffer.byteLength(payload, 'utf8');
  if (size > limitBytes) throw new MqttPayloadTooLargeError(topic, size, limitBytes);
}
