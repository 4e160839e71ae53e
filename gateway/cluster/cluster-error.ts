/** Error of the cluster features (clustered broker, leader election), with a stable `code`. */
export type ClusterErrorCode = 'CLUSTER_REDIS_FAILED' | 'CLUSTER_BROKER_LISTEN_FAILED';

export class ClusterError extends Error {
  override readonly name = 'ClusterError';

  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    /** Option of `startClusteredBroker` whose port could not be listened on. */
    readonly option?: 'port' | 'tls.port',
  ) {
    super(message);
  }
}
