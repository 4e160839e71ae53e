import type { GatewayConfig } from './config/schema.js';
import { readSecret } from './secrets.js';

/** User name and password the gateway's own MQTT clients present to the broker. */
export interface MqttCredentials {
  username?: string;
  password?: string;
}

/** Credentials from the `mqtt` section: the user name as written, the password from its env var or file. */
export function configuredCredentials(config: GatewayConfig): MqttCredentials {
  const password = readSecret(config.mqtt, 'mqtt');
  return {
    ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}
