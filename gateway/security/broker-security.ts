/**
 * Start-up step for the embedded broker's security: turns `mqtt.broker.auth` and `mqtt.broker.tls`
 * into `startEmbeddedBroker` options, reading the users file, and collects permission warnings for the
 * files that hold secrets.
 */
import type { BrokerTlsOptions } from '../broker/broker-tls.js';
import { configFileWarnings } from './config-file-warnings.js';
import { createMqttAccess, type MqttAccessPolicy } from './mqtt-access.js';
import { loadMqttUsersFile } from './mqtt-users-file.js';
import type { MqttAuthConfig, MqttTlsConfig, MqttUserConfig } from './security-config.js';

/** Broker options and warnings from the security config. */
export interface BrokerSecurity {
  /** Pass as `access` to `startEmbeddedBroker`; undefined when `mqtt.broker.auth` is not configured. */
  access: MqttAccessPolicy | undefined;
  /** Pass as `tls` to `startEmbeddedBroker`; undefined when `mqtt.broker.tls` is not configured. */
  tls: BrokerTlsOptions | undefined;
  /** Warnings to log, such as a users file or TLS key readable by other users. */
  warnings: string[];
}

/**
 * Builds the broker's access policy and TLS options. `extra_users` adds users that are not in the config,
 * such as the gateway's own user from `createInternalMqttUser`. Throws `SecurityError` when the users file cannot be
 * read or a user or hash is invalid, so the gateway stops at start-up instead of running open.
 */
export function prepareBrokerSecurity(
  settings: { auth?: MqttAuthConfig | undefined; tls?: MqttTlsConfig | undefined },
  extra_users: readonly MqttUserConfig[] = [],
): BrokerSecurity {
  const warnings: string[] = [];
  const { auth, tls } = settings;
  let access: MqttAccessPolicy | undefined;
  if (auth !== undefined) {
    const fileUsers = auth.users_file === undefined ? [] : loadMqttUsersFile(auth.users_file);
    if (auth.users_file !== undefined)
      warnings.push(...configFileWarnings(auth.users_file, 'mqtt.broker.auth.users_file'));
    access = createMqttAccess(auth, [...fileUsers, ...extra_users]);
  }
  if (tls !== undefined) warnings.push(...configFileWarnings(tls.key_file, 'mqtt.broker.tls.key_file'));
  return { access, tls, warnings };
}
