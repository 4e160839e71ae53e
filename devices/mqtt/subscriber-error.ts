/** Connection and subscription errors of `MqttSubscriber`, with credentials kept out of every message. */

/** Stable codes of `MqttSubscriberError`. */
export type MqttSubscriberErrorCode =
  | 'MQTT_URL_INVALID'
  | 'MQTT_CONNECT_FAILED'
  | 'MQTT_CONNECT_TIMEOUT'
  | 'MQTT_SUBSCRIBE_REJECTED'
  | 'MQTT_CLIENT_ERROR'
  | 'MQTT_LISTENER_FAILED';

/** A connection, subscription or event listener failure. Its message never contains the password. */
export class MqttSubscriberError extends Error {
  constructor(
    readonly code: MqttSubscriberErrorCode,
    message: string,
    /** CONNACK return code when the broker refused the connection (MQTT 3.1.1 section 3.2.2.3). */
    readonly connack_code?: number,
  ) {
    super(message);
    this.name = 'MqttSubscriberError';
  }
}

/** Replaces every occurrence of `secret` (and its URL-encoded form) in `text` with `***`. */
export function redact(text: string, secret: string | undefined): string {
  if (secret === undefined || secret === '') return text;
  return text.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
}

/** A broker URL split into the address to connect to and the credentials it carried, if any. */
export interface BrokerAddress {
  /** URL without user info, safe to show. */
  url: string;
  username?: string;
  password?: string;
}

/** Moves user info out of a broker URL (`mqtt://user:pass@host:1883`); throws `MQTT_URL_INVALID`. */
export function splitBrokerUrl(url: string): BrokerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MqttSubscriberError(
      'MQTT_URL_INVALID',
      `broker URL ${JSON.stringify(redactUserInfo(url))} is not a valid URL; write it as mqtt://host:1883 or mqtts://host:8883`,
    );
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new MqttSubscriberError(
      'MQTT_URL_INVALID',
      `broker URL scheme ${parsed.protocol} is not supported; use mqtt:, mqtts:, tcp:, tls:, ws: or wss:`,
    );
  }
  const address: BrokerAddress = { url: '' };
  if (parsed.username !== '') address.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') address.password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  address.url = parsed.toString();
  return address;
}

/** Removes anything between `://` and `@` from a string that failed to parse as a URL. */
function redactUserInfo(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}
