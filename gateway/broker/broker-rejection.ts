/** Rejections the embedded broker emits, so the gateway can log them (the broker itself never logs). */
import { EventEmitter } from 'node:events';

/**
 * Reason the broker rejected a connection, a CONNECT, a PUBLISH or a SUBSCRIBE. `packet_too_large` and
 * `malformed_packet` come from the packet size guard, which reads each fixed header before aedes
 * parses the packet.
 */
export type BrokerRejectionReason =
  | 'connection_rate'
  | 'tls_failed'
  | 'auth_failed'
  | 'publish_denied'
  | 'subscribe_denied'
  | 'payload_too_large'
  | 'packet_too_large'
  | 'malformed_packet'
  | 'topic_too_deep';

/** One rejection. It names the client, never its password. */
export interface BrokerRejection {
  reason: BrokerRejectionReason;
  /** Listener that received it. */
  listener: 'tcp' | 'tls';
  /** Source address of the connection. */
  remote_address: string | undefined;
  /** MQTT client id, absent before CONNECT. */
  client_id?: string | undefined;
  /** User name of the client: from CONNECT, or the CN of its certificate. */
  username?: string | undefined;
  /** Topic name of a PUBLISH or filter of a SUBSCRIBE. */
  topic?: string | undefined;
  /** Detail such as `wrong_password`, `unknown_user` or a size, never a secret. */
  detail: string;
}

/** Events of a running broker. */
export interface BrokerEvents {
  rejected: [BrokerRejection];
}

export class BrokerEventEmitter extends EventEmitter<BrokerEvents> {}
