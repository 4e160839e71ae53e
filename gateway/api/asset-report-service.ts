/**
 * The `ReportService` of the API: the temperature report of `coldpool report` for each asset under
 * `alarms.assets` that the local readings store has recorded. Each download builds the report from the
 * local store file and the gateway's records store (alarms, audit trail, calibrations).
 */
import type { AlarmStore } from '../alarms/alarm-store.js';
import { type AssetProfile, matchesAsset } from '../alarms/asset-profile.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { LocalStore } from '../outputs/local-store.js';
import { reportCsv } from '../reports/report-csv.js';
import { buildReport } from '../reports/report-data.js';
import { formatUtc } from '../reports/report-format.js';
import { renderReportPdf } from '../reports/report-pdf.js';
import { checkReportSeries, reportSeriesFit } from '../reports/report-series-check.js';
import { reportWindowProblem } from '../reports/report-window.js';
import { ServiceRejection } from './errors.js';
import type { RenderedReport, ReportInfo, ReportService, ReportWindowRequest } from './services.js';

/** Window of a download that names no `from_ms`: the 24 hours before `to_ms`. */
export const DEFAULT_REPORT_WINDOW_MS = 24 * 3_600_000;

export interface AssetReportSources {
  /** Local readings store file, `outputs.local_store.path`. */
  store_path: string;
  /** Asset profiles of the alarm engine, one report per profile. */
  profiles: readonly AssetProfile[];
  alarms: AlarmStore;
  trail: AuditTrail;
  /** Current time, ms; the end of a window without `to_ms`. Default `Date.now`. */
  now?: () => number;
}

/** Formats a time as `20261201T000000Z` for file names. */
function fileTime(time_ms: number): string {
  return `${formatUtc(time_ms).replace(/[-:]/g, '').replace(' ', 'T')}Z`;
}

function hasReadings(store: LocalStore, profile: AssetProfile): boolean {
  return store.hasAssetSeries(profile.match.asset, (tags) => matchesAsset(profile, tags));
}

export class AssetReportService implements ReportService {
  private readonly now: () => number;

  constructor(private readonly sources: AssetReportSources) {
    this.now = sources.now ?? Date.now;
  }

  /**
   * Lists the assets whose report can be built from the store, in `alarms.assets` order: those with
   * readings of one compartment that contain the profile's temperature field.
   */
  list(): ReportInfo[] {
    const created_ms = this.now();
    const profiles = this.withStore((store) =>
      this.sources.profiles.filter((profile) => hasReadings(store, profile) && reportSeriesFit(store, profile)),
    );
    return profiles.map((profile) => ({
      id: profile.id,
      title: `Temperature report ${profile.id}`,
      created_ms,
      formats: ['pdf', 'csv'],
    }));
  }

  /**
   * Builds the report of asset `id` over the window. Returns `undefined` for an id not under
   * `alarms.assets`. Throws `ServiceRejection('not_found')` for an asset without readings in the store,
   * and `ServiceRejection('invalid')` for a window that does not end after its start or spans more than
   * `MAX_WINDOW_DAYS`, for readings of several compartments and for an asset that never sent the
   * profile's temperature field.
   */
  async render(
    id: string,
    format: 'pdf' | 'csv',
    window: ReportWindowRequest = {},
  ): Promise<RenderedReport | undefined> {
    const profile = this.sources.profiles.find((candidate) => candidate.id === id);
    if (!profile) return undefined;
    const now_ms = this.now();
    const to_ms = window.to_ms ?? now_ms;
    const from_ms = window.from_ms ?? to_ms - DEFAULT_REPORT_WINDOW_MS;
    const problem = reportWindowProblem(from_ms, to_ms, {
      from: window.from_ms === undefined ? 'from_ms (default: to_ms - 24 h)' : 'from_ms',
      to: window.to_ms === undefined ? 'to_ms (default: now)' : 'to_ms',
      formatTime: (time_ms) => `${time_ms} (${formatUtc(time_ms)} UTC)`,
    });
    if (problem !== undefined) throw new ServiceRejection('invalid', problem);
    const data = this.withStore((store) => {
      if (!hasReadings(store, profile)) {
        throw new ServiceRejection(
          'not_found',
          `asset ${id} has no readings in the local store ${this.sources.store_path} yet; ` +
            'GET /api/v1/reports lists the assets that have readings',
        );
      }
      // The same checks as `coldpool report`: one compartment per report, and a temperature field that the
      // asset sends.
      try {
        this.checkSeries(store, profile);
      } catch (error) {
        throw new ServiceRejection('invalid', (error as Error).message);
      }
      const sources = { readings: store, alarms: this.sources.alarms, trail: this.sources.trail };
      return buildReport(sources, profile, { from_ms, to_ms, now_ms });
    });
    const filename = `${id}_${fileTime(from_ms)}_${fileTime(to_ms)}.${format}`;
    const body = format === 'pdf' ? await renderReportPdf(data) : reportCsv(data);
    return { filename, body };
  }

  /** Throws the error of `checkReportSeries` when the profile's readings cannot make one report. */
  private checkSeries(store: LocalStore, profile: AssetProfile): void {
    checkReportSeries(store, profile, {
      asset_id: profile.id,
      store_path: this.sources.store_path,
      config_path: "the gateway's config file",
      select_by_id: 'request the report of that id',
    });
  }

  /**
   * Runs `read` on a connection to the local store that is closed afterwards. The file stays in WAL
   * mode, so this reader does not block the output that writes to it.
   */
  private withStore<T>(read: (store: LocalStore) => T): T {
    const store = new LocalStore({ path: this.sources.store_path });
    try {
      return read(store);
    } finally {
      store.close();
    }
  }
}
