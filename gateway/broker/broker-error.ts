/** Stable codes of `EmbeddedBrokerError`. */
export type EmbeddedBrokerErrorCode =
  | 'BROKER_AUTH_REQUIRED'
  | 'BROKER_LISTEN_FAILED'
  | 'BROKER_OPTION_INVALID'
  | 'BROKER_TLS_INVALID';

/** The embedded broker could not start. */
export class EmbeddedBrokerError extends Error {
  constructor(
    readonly code: EmbeddedBrokerErrorCode,
    message: string,
    /** Option of `startEmbeddedBroker` whose port could not be listened on. */
    readonly option?: 'port' | 'tls.port',
  ) {
    super(message);
    this.name = 'EmbeddedBrokerError';
  }
}
