/**
 * The security checks that `coldpool run` makes at start-up, run on a config without starting anything,
 * so that `coldpool check-config` reports the same refusals and warnings.
 */
import type { GatewayConfig } from '../config/schema.js';
import { prepareBrokerSecurity } from './broker-security.js';
import { configFileWarnings } from './config-file-warnings.js';
import { databaseFileWarnings } from './database-file-warnings.js';
import { checkBrokerListenerSafety, checkHttpListenerSafety, disabledHttpWarning } from './listener-safety.js';
import { SecurityError } from './security-error.js';

/** Outcome of `checkStartupSecurity`. */
export interface StartupSecurityReport {
  /** Reasons `coldpool run` would refuse to start, one message each. */
  errors: string[];
  /** Warnings `coldpool run` would log at start-up. */
  warnings: string[];
}

/** Runs `check` and returns the message of the `SecurityError` it throws, or undefined. */
function securityErrorOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!(error instanceof SecurityError)) throw error;
    return error.message;
  }
}

/**
 * Checks the listeners (no address beyond loopback without authentication) and reads the embedded
 * broker's users file. Collects the permission warnings for the config file, the users file, the TLS key
 * and the database files, and the warning for HTTP settings that have no effect.
 */
export function checkStartupSecurity(config: GatewayConfig, configPath: string | undefined): StartupSecurityReport {
  const errors: string[] = [];
  const warnings: string[] = configPath === undefined ? [] : configFileWarnings(configPath);
  warnings.push(...databaseFileWarnings(config));
  const note = (message: string | undefined): void => {
    if (message !== undefined) errors.push(message);
  };
  const http = config.http;
  if (http.enabled) note(securityErrorOf(() => checkHttpListenerSafety(http.host, http.auth)));
  const httpWarning = disabledHttpWarning(http);
  if (httpWarning !== undefined) warnings.push(httpWarning);
  const broker = config.mqtt.broker;
  if (config.mqtt.url === undefined && broker.enabled) {
    const authenticated = broker.auth !== undefined && !broker.auth.allow_anonymous;
    note(securityErrorOf(() => checkBrokerListenerSafety('mqtt', broker.host, authenticated)));
    const tls = broker.tls;
    if (tls !== undefined) note(securityErrorOf(() => checkBrokerListenerSafety('mqtt tls', tls.host, authenticated)));
    note(
      securityErrorOf(() => {
        warnings.push(...prepareBrokerSecurity({ auth: broker.auth, tls }).warnings);
      }),
    );
  }
  return { errors, warnings };
}
