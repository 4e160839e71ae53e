/** Types of aedes-persistence-redis 11, which ships none: a factory taking ioredis options. */
declare module 'aedes-persistence-redis' {
  interface RedisPersistenceOptions {
    host?: string;
    port?: number;
    db?: number;
    username?: string;
    password?: string;
    /** Maximum offline messages delivered to a client on CONNECT. The package default is 1000. */
    maxSessionDelivery?: number;
  }
  // biome-ignore lint/suspicious/noExplicitAny: aedes types its `persistence` option as any.
  export default function createPersistence(options?: RedisPersistenceOptions): any;
}
