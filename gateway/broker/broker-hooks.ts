/**
 * aedes hooks that enforce authentication, topic access, topic depth and the payload limit, and report
 * each rejection as a `BrokerRejection`.
 */
import { TLSSocket } from 'node:tls';
import type { AuthenticateError, Client } from 'aedes';
import type { MqttAccessPolicy, MqttIdentity } from '../security/mqtt-access.js';
import { topicDepth } from '../security/topic-acl.js';
import type { BrokerRejection } from './broker-rejection.js';

/** Checker of a CONNECT's user name and password. Returning true accepts the client, anything else rejects it. */
export type BrokerAuthenticator = (
  username: string | undefined,
  password: Buffer | undefined,
) => boolean | Promise<boolean>;

/** Settings of the hooks: the checks and the callback that receives rejections. */
export interface HookSettings {
  authenticate: BrokerAuthenticator | undefined;
  access: MqttAccessPolicy | undefined;
  max_payload_bytes: number | undefined;
  reject: (rejection: BrokerRejection) => void;
}

/** aedes `returnCode` 5, Not authorized (MQTT 3.1.1 section 3.2.2.3, CONNACK return codes). */
const NOT_AUTHORIZED = 5;
/** aedes `returnCode` 4, Bad user name or password. */
const BAD_USERNAME_OR_PASSWORD = 4;

type Done = (error: AuthenticateError | null, success: boolean | null) => void;

function authError(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

function listenerOf(client: Client): 'tcp' | 'tls' {
  return client.conn instanceof TLSSocket ? 'tls' : 'tcp';
}

/** Returns the common name of a client certificate that the TLS handshake verified, else undefined. */
function verifiedCommonName(client: Client): string | undefined {
  const socket = client.conn;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}

/** Builds the aedes hooks; `identities` keeps each client's identity from CONNECT to disconnect. */
export function brokerHooks(settings: HookSettings, identities: WeakMap<Client, MqttIdentity>) {
  const hooks: Record<string, unknown> = {};
  const report = (client: Client, fields: Omit<BrokerRejection, 'listener' | 'remote_address' | 'client_id'>) =>
    settings.reject({
      listener: listenerOf(client),
      remote_address: (client.conn as { remoteAddress?: string }).remoteAddress,
      client_id: client.id,
      username: identities.get(client)?.username,
      ...fields,
    });

  const { authenticate, access } = settings;
  if (authenticate !== undefined) {
    hooks.authenticate = (client: Client, username: string | undefined, password: Buffer | undefined, done: Done) => {
      Promise.resolve()
        .then(() => authenticate(username, password))
        .then(
          (accepted) => accepted === true,
          () => false,
        )
        .then((accepted) => {
          if (!accepted) report(client, { reason: 'auth_failed', username, detail: 'rejected' });
          done(null, accepted);
        });
    };
  }
  if (access !== undefined) {
    hooks.authenticate = (client: Client, username: string | undefined, password: Buffer | undefined, done: Done) => {
      const certificate_cn = verifiedCommonName(client);
      access.authenticate({ client_id: client.id, username, password, certificate_cn }).then(
        (result) => {
          if (result.ok) {
            identities.set(client, result.identity);
            done(null, true);
            return;
          }
          report(client, { reason: 'auth_failed', username: certificate_cn ?? username, detail: result.reason });
          const code = result.reason === 'anonymous' ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD;
          done(authError(code, `client ${client.id} rejected: ${result.reason}`), false);
        },
        (error: Error) => {
          report(client, { reason: 'auth_failed', username, detail: `check failed: ${error.message}` });
          done(authError(NOT_AUTHORIZED, 'authentication check failed'), false);
        },
      );
    };
    hooks.authorizeSubscribe = (
      client: Client,
      subscription: { topic: string },
      callback: (error: Error | null, subscription?: unknown) => void,
    ) => {
      const identity = identities.get(client);
      const topic = subscription.topic;
      if (topicDepth(topic) > access.max_topic_levels) {
        report(client, { reason: 'topic_too_deep', topic, detail: `more than ${access.max_topic_levels} levels` });
        callback(null, null);
      } else if (identity === undefined || !access.canSubscribe(identity, client.id, topic)) {
        report(client, { reason: 'subscribe_denied', topic, detail: `role ${identity?.role ?? 'none'}` });
        // A null subscription makes aedes send SUBACK return code 0x80, Failure (MQTT 3.1.1 section 3.9.3).
        callback(null, null);
      } else {
        callback(null, subscription);
      }
    };
  }
  hooks.authorizePublish = publishHook(settings, identities, report);
  return hooks;
}

function publishHook(
  settings: HookSettings,
  identities: WeakMap<Client, MqttIdentity>,
  report: (client: Client, fields: Omit<BrokerRejection, 'listener' | 'remote_address' | 'client_id'>) => void,
) {
  const { access, max_payload_bytes: max } = settings;
  // MQTT 3.1.1 section 3.3.5: a server that does not accept a PUBLISH has no way to tell the client,
  // so it closes the connection, and aedes does that when this hook returns an error.
  // aedes parses the whole packet before this hook runs. The packet size guard (packet-size-guard.ts)
  // closes a connection whose packet announces more than the payload limit plus the largest topic and
  // packet id, before aedes buffers the body.
  return (
    client: Client | null,
    packet: { topic: string; payload: Buffer | string },
    done: (error?: Error | null) => void,
  ) => {
    if (client === null) {
      done(null);
      return;
    }
    const topic = packet.topic;
    const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
    if (max !== undefined && size > max) {
      report(client, {
        reason: 'payload_too_large',
        topic,
        detail: `${size} bytes, limit ${max}; raise mqtt.broker.max_payload_bytes or send smaller messages`,
      });
      done(new Error(`payload of ${size} bytes exceeds max_payload_bytes ${max}`));
      return;
    }
    if (access === undefined) {
      done(null);
      return;
    }
    if (topicDepth(topic) > access.max_topic_levels) {
      report(client, { reason: 'topic_too_deep', topic, detail: `more than ${access.max_topic_levels} levels` });
      done(new Error(`topic has more than ${access.max_topic_levels} levels`));
      return;
    }
    const identity = identities.get(client);
    if (identity === undefined || !access.canPublish(identity, client.id, topic)) {
      report(client, { reason: 'publish_denied', topic, detail: `role ${identity?.role ?? 'none'}` });
      done(new Error(`client ${client.id} may not publish to ${topic}`));
      return;
    }
    done(null);
  };
}
