/** Stable codes of `SecurityError`. */
export type SecurityErrorCode =
  | 'LISTENER_AUTH_REQUIRED'
  | 'PASSWORD_HASH_INVALID'
  | 'PASSWORD_EMPTY'
  | 'PASSWORD_MISMATCH'
  | 'MQTT_USERS_FILE_INVALID'
  | 'MQTT_USER_DUPLICATE'
  | 'HTTP_USER_DUPLICATE';

/**
 * A security setting that cannot be used. The message names the setting and how to fix it, never a
 * password or a token.
 */
export class SecurityError extends Error {
  constructor(
    readonly code: SecurityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecurityError';
  }
}
