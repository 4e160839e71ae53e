/**
 * Access policy of the embedded broker: users with scrypt passwords or client certificates, their roles,
 * and the `%u`/`%c` topic patterns each client may publish and subscribe to.
 */
import { decoyPasswordHash, parsePasswordHash, verifyPassword } from './password-hash.js';
import type { MqttAuthConfig, MqttRole, MqttUserConfig } from './security-config.js';
import { SecurityError } from './security-error.js';
import { type AclSubject, anyPatternCovers, anyPatternMatches } from './topic-acl.js';

/** An authenticated client, kept by the broker for the life of the connection. */
export interface MqttIdentity {
  /** User name, or undefined for an anonymous client. */
  username: string | undefined;
  role: MqttRole;
  method: 'password' | 'certificate' | 'anonymous';
  /** Topic patterns of the role and the user, before `%u`/`%c` substitution. */
  publish: readonly string[];
  subscribe: readonly string[];
}

/** Credentials of a CONNECT. `certificate_cn` is set only for a TLS client certificate the broker verified. */
export interface MqttConnectRequest {
  client_id: string;
  username?: string | undefined;
  password?: Buffer | undefined;
  certificate_cn?: string | undefined;
}

/** Reason a CONNECT was rejected. */
export type MqttAuthFailure = 'anonymous' | 'unknown_user' | 'wrong_password' | 'no_password' | 'certificate_mismatch';

export type MqttAuthResult = { ok: true; identity: MqttIdentity } | { ok: false; reason: MqttAuthFailure };

/** The access rules the embedded broker enforces. */
export interface MqttAccessPolicy {
  /** True when clients without credentials are accepted. */
  readonly allow_anonymous: boolean;
  /** Maximum levels in a topic name or filter. */
  readonly max_topic_levels: number;
  /** New connections per source address per `connection_window_s`. */
  readonly max_connections_per_window: number;
  readonly connection_window_s: number;
  authenticate(request: MqttConnectRequest): Promise<MqttAuthResult>;
  canPublish(identity: MqttIdentity, client_id: string, topic: string): boolean;
  canSubscribe(identity: MqttIdentity, client_id: string, filter: string): boolean;
}

interface StoredUser {
  config: MqttUserConfig;
  hash: ReturnType<typeof parsePasswordHash> | undefined;
}

function indexUsers(users: readonly MqttUserConfig[]): Map<string, StoredUser> {
  const byName = new Map<string, StoredUser>();
  for (const config of users) {
    if (byName.has(config.username)) {
      throw new SecurityError(
        'MQTT_USER_DUPLICATE',
        `mqtt.broker.auth: user ${config.username} is defined twice (inline and in users_file, or twice in one); keep one`,
      );
    }
    const where = `mqtt.broker.auth user ${config.username} password_hash`;
    byName.set(config.username, {
      config,
      hash: config.password_hash === undefined ? undefined : parsePasswordHash(config.password_hash, where),
    });
  }
  return byName;
}

/** Builds the policy from `mqtt.broker.auth` and the users read from its `users_file`. */
export function createMqttAccess(config: MqttAuthConfig, fileUsers: readonly MqttUserConfig[] = []): MqttAccessPolicy {
  const users = indexUsers([...config.users, ...fileUsers]);
  const identityOf = (user: MqttUserConfig | undefined, method: MqttIdentity['method']): MqttIdentity => {
    const role = user?.role ?? config.anonymous_role;
    const rules = config.roles[role];
    return {
      username: user?.username,
      role,
      method,
      publish: [...rules.publish, ...(user?.publish ?? [])],
      subscribe: [...rules.subscribe, ...(user?.subscribe ?? [])],
    };
  };
  return {
    allow_anonymous: config.allow_anonymous,
    max_topic_levels: config.max_topic_levels,
    max_connections_per_window: config.max_connections_per_window,
    connection_window_s: config.connection_window_s,
    async authenticate(request) {
      if (request.certificate_cn !== undefined) {
        if (request.username !== undefined && request.username !== request.certificate_cn) {
          return { ok: false, reason: 'certificate_mismatch' };
        }
        const user = users.get(request.certificate_cn);
        if (user === undefined) return { ok: false, reason: 'unknown_user' };
        return { ok: true, identity: identityOf(user.config, 'certificate') };
      }
      if (request.username === undefined) {
        if (!config.allow_anonymous) return { ok: false, reason: 'anonymous' };
        return { ok: true, identity: identityOf(undefined, 'anonymous') };
      }
      const user = users.get(request.username);
      const password = request.password?.toString('utf8') ?? '';
      if (user?.hash === undefined) {
        // Same work as a real check, so the reply time does not tell which user names exist.
        await verifyPassword(password, await decoyPasswordHash());
        return { ok: false, reason: user === undefined ? 'unknown_user' : 'no_password' };
      }
      const matches = await verifyPassword(password, user.hash);
      if (!matches) return { ok: false, reason: 'wrong_password' };
      return { ok: true, identity: identityOf(user.config, 'password') };
    },
    canPublish(identity, client_id, topic) {
      const subject: AclSubject = { username: identity.username, client_id };
      return anyPatternMatches(identity.publish, subject, topic);
    },
    canSubscribe(identity, client_id, filter) {
      const subject: AclSubject = { username: identity.username, client_id };
      return anyPatternCovers(identity.subscribe, subject, filter);
    },
  };
}
