import type { LocalStore } from '../../outputs/local-store.js';
import { bucketPoints, groupBySeries } from './bucketing.js';
import type { Bucket, HistoryRequest, HistorySource, RawPoint, Series } from './history-source.js';

/**
 * Upper bound on the points read from SQLite to build buckets. With the default 7-day retention and one
 * reading every 2 s a device stores about 302400 points, so the bound covers a full week of one series.
 */
const MAX_POINTS_FOR_BUCKETS = 400_000;

/** History from the local SQLite store; buckets are computed here, in process. */
export class LocalStoreHistory implements HistorySource {
  readonly name = 'local_store';

  constructor(private readonly store: Pick<LocalStore, 'history'>) {}

  async raw(request: HistoryRequest, limit: number): Promise<Array<Series<RawPoint>>> {
    const series = groupBySeries(this.read(request, Number.MAX_SAFE_INTEGER));
    for (const entry of series) entry.points = entry.points.slice(0, limit);
    return series;
  }

  async buckets(request: HistoryRequest, bucketMs: number): Promise<Array<Series<Bucket>>> {
    // NOTE: a range holding more than MAX_POINTS_FOR_BUCKETS points is cut at that many, oldest first.
    return groupBySeries(this.read(request, MAX_POINTS_FOR_BUCKETS)).map(({ tags, points }) => ({
      tags,
      points: bucketPoints(points, bucketMs),
    }));
  }

  private read(request: HistoryRequest, limit: number) {
    // NOTE: the SQL limit counts rows of every site, which matters only after a device's site changed.
    return this.store
      .history({
        device: request.device,
        field: request.field,
        from_ms: request.from_ms,
        to_ms: request.to_ms,
        limit: Math.min(limit, MAX_POINTS_FOR_BUCKETS),
      })
      .filter((point) => point.tags.site === request.site)
      .map((point) => ({ ...point, tags: point.tags }));
  }
}
