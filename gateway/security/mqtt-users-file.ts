/** Reads the MQTT users file: a YAML document with a `users:` list of the same entries as inline users. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type MqttUserConfig, mqttUsersFileSchema } from './security-config.js';
import { SecurityError } from './security-error.js';

/** Reads and validates `path`; throws `SecurityError` `MQTT_USERS_FILE_INVALID` naming the file and key. */
export function loadMqttUsersFile(path: string): MqttUserConfig[] {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SecurityError(
      'MQTT_USERS_FILE_INVALID',
      `mqtt.broker.auth.users_file ${path} cannot be read: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const result = mqttUsersFileSchema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new SecurityError(
      'MQTT_USERS_FILE_INVALID',
      `mqtt.broker.auth.users_file ${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
  }
  return result.data.users;
}
