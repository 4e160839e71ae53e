/**
 * The gateway's own MQTT user for the embedded broker. Its inputs and republisher connect like any other
 * client, so with `mqtt.broker.auth` they need credentials. A random password made at each start-up saves
 * the operator from configuring one and never leaves the process.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword } from './password-hash.js';
import type { MqttUserConfig } from './security-config.js';

/** User name of the gateway's own client; a configured user with this name is rejected as a duplicate. */
export const INTERNAL_MQTT_USER = 'coldpool-gateway';

/** Credentials for the gateway's clients and the user entry for the broker. */
export interface InternalMqttUser {
  username: string;
  /** Random password, 32 bytes in base64url; pass it to the gateway's MQTT clients only. */
  password: string;
  /** Entry to pass in `extra_users` of `prepareBrokerSecurity`, role `writer`. */
  user: MqttUserConfig;
}

/** Creates the gateway's MQTT user with a fresh random password. */
export async function createInternalMqttUser(): Promise<InternalMqttUser> {
  const password = randomBytes(32).toString('base64url');
  const password_hash = await hashPassword(password);
  return {
    username: INTERNAL_MQTT_USER,
    password,
    user: { username: INTERNAL_MQTT_USER, password_hash, role: 'writer', publish: [], subscribe: [] },
  };
}
