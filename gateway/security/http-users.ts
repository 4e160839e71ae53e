/** HTTP API users from `http.auth.users`, with scrypt password checks. */
import { decoyPasswordHash, parsePasswordHash, verifyPassword } from './password-hash.js';
import type { HttpRole, HttpUserConfig } from './security-config.js';
import { SecurityError } from './security-error.js';

export class HttpUserStore {
  private readonly users = new Map<string, { role: HttpRole; hash: ReturnType<typeof parsePasswordHash> }>();

  constructor(users: readonly HttpUserConfig[]) {
    for (const user of users) {
      if (this.users.has(user.username)) {
        throw new SecurityError(
          'HTTP_USER_DUPLICATE',
          `http.auth.users: user ${user.username} is defined twice; keep one`,
        );
      }
      const hash = parsePasswordHash(user.password_hash, `http.auth.users ${user.username} password_hash`);
      this.users.set(user.username, { role: user.role, hash });
    }
  }

  /** Number of users. */
  size(): number {
    return this.users.size;
  }

  /**
   * Returns the role of `username` when `password` matches, else undefined. An unknown user costs the
   * same scrypt work as a known one, so timing does not reveal which user names exist.
   */
  async verify(username: string, password: string): Promise<HttpRole | undefined> {
    const user = this.users.get(username);
    if (user === undefined) {
      await verifyPassword(password, await decoyPasswordHash());
      return undefined;
    }
    return (await verifyPassword(password, user.hash)) ? user.role : undefined;
  }
}
