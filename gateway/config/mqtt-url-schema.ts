/** Zod schema of an MQTT broker URL in the config, shared by `mqtt.url` and `upstream.url`. */
import { z } from 'zod';
import { urlCarriesSecret } from '../secrets.js';

/**
 * Message of a config URL that carries a password. A password in the config text would reach logs and
 * the audit trail, so it comes from the section's `password_env` or `password_file` instead.
 */
export const URL_PASSWORD_MESSAGE =
  'must not carry a password, which would reach logs and the audit trail; set username and password_env or password_file';

/** An `mqtt://` or `mqtts://` URL without a password in its user info or query. */
export const mqttUrlSchema = z
  .string()
  .regex(/^mqtts?:\/\/[^\s]+$/, 'must be an mqtt:// or mqtts:// URL')
  .refine((url) => !urlCarriesSecret(url), URL_PASSWORD_MESSAGE);
