/**
 * Cold-chain monitoring as one unit the gateway starts and stops: it opens the records store, runs the
 * alarm engine on the bus, records temperatures at the recording intervals, delivers notifications,
 * reminds of due calibrations and logs what happens.
 */
import type Database from 'better-sqlite3';
import { AuditTrail } from '../audit/audit-trail.js';
import { recordConfigChange } from '../audit/config-audit.js';
import { ReadingRecorder } from '../audit/reading-recorder.js';
import { openRecordsDatabase } from '../audit/records-database.js';
import { calibrationReminders } from '../calibration/calibration-register.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { Reading } from '../reading.js';
import type { Alarm } from './alarm.js';
import { applyAlarmCommand, parseAlarmCommand } from './alarm-commands.js';
import type { AlarmConfig } from './alarm-config.js';
import { AlarmEngine } from './alarm-engine.js';
import { AlarmNotifier, type PublishHook } from './alarm-notifier.js';
import { AlarmStore } from './alarm-store.js';
import { NotificationOutbox } from './notification-outbox.js';
import { logNotifierEvents } from './notifier-log.js';
import type { ConfiguredDevice } from './offline-watch.js';
import { deviceIdsOf, listIds } from './removed-devices.js';

const CALIBRATION_CHECK_MS = 3_600_000;
/** Time `stop` waits for alarm notifications under way, in milliseconds. The rest stay queued. */
export const NOTIFY_STOP_TIMEOUT_MS = 10_000;
const MS_PER_DAY = 86_400_000;

export interface ColdChainMonitorOptions {
  config: AlarmConfig;
  bus: EventBus;
  logger: Logger;
  /** Publishes alarm notifications over MQTT; leave out to send none. */
  publish?: PublishHook;
  /** Current time for the tick; pass the simulator's clock when it runs faster than the wall. Default `Date.now`. */
  clock?: () => number;
  /** Configured devices, watched for silence from the start even if they never send a reading. */
  devices?: ConfiguredDevice[];
  /** Configuration to keep in the audit trail when it changed since the last start, with secrets left out. */
  audited_config?: unknown;
  /** Actor named in the config change entry. Default `gateway`. */
  config_actor?: string;
}

export class ColdChainMonitor {
  readonly engine: AlarmEngine;
  /** Alarms as stored, for the API's lists. */
  readonly store: AlarmStore;
  readonly trail: AuditTrail;
  readonly notifier: AlarmNotifier;
  readonly recorder: ReadingRecorder;
  private readonly db: Database.Database;
  private readonly clock: () => number;
  private readonly detach: Array<() => void> = [];
  private calibrationTimer: NodeJS.Timeout | undefined;
  private readonly remindedOn = new Map<string, number>();

  /** Opens `config.store_path` and builds the parts; nothing runs until `start()`. */
  constructor(private readonly options: ColdChainMonitorOptions) {
    this.clock = options.clock ?? Date.now;
    this.db = openRecordsDatabase(options.config.store_path);
    this.trail = new AuditTrail(this.db);
    this.store = new AlarmStore(this.db);
    this.engine = new AlarmEngine({
      config: options.config,
      store: this.store,
      audit: this.trail,
      clock: this.clock,
      ...(options.devices ? { devices: options.devices } : {}),
    });
    // The outbox uses the wall clock, the notifier's default, because its retries and age limit concern
    // real receivers, also when `clock` is a simulator's faster one.
    this.notifier = new AlarmNotifier({
      notify: options.config.notify,
      publish: options.publish,
      outbox: new NotificationOutbox(this.db, options.config.notify.outbox_max_rows),
    });
    this.recorder = new ReadingRecorder(this.trail, this.engine.profiles, options.config.records);
  }

  /**
   * Subscribes to the bus, starts the tick, the calibration check and the notification retries, sends
   * the notifications queued by an earlier run, and records a changed configuration.
   */
  start(): void {
    const { bus, logger } = this.options;
    logNotifierEvents(this.notifier, logger);
    const queued = this.notifier.resume();
    if (queued > 0) {
      const notifications = queued === 1 ? '1 alarm notification' : `${queued} alarm notifications`;
      logger.info({ queued }, `sending ${notifications} queued by the previous run again`);
    }
    if (this.options.audited_config !== undefined) {
      const entry = recordConfigChange(
        this.trail,
        this.options.audited_config,
        this.options.config_actor ?? 'gateway',
        this.clock(),
      );
      if (entry) logger.info({ seq: entry.seq }, 'configuration change recorded in the audit trail');
    }
    this.detach.push(this.engine.attach(bus));
    this.detach.push(this.notifier.attach(this.engine));
    const record = (reading: Reading) => {
      try {
        this.recorder.handleReading(reading);
      } catch (error) {
        logger.error({ err: error, asset: reading.tags.asset }, 'temperature record not written');
      }
    };
    bus.on('reading', record);
    this.detach.push(() => bus.off('reading', record));
    this.engine.on('transition', ({ alarm, transition }) => {
      logger.info(
        { alarm_id: alarm.id, asset: alarm.asset, rule: alarm.rule, alarm_level: alarm.level },
        `alarm ${transition}`,
      );
    });
    this.clearRemovedDevices();
    this.engine.start();
    this.checkCalibrations();
    this.calibrationTimer = setInterval(() => this.checkCalibrations(), CALIBRATION_CHECK_MS);
    this.calibrationTimer.unref();
    logger.info(
      { asset_profiles: this.engine.profiles.length, store: this.options.config.store_path },
      'cold-chain monitoring started',
    );
  }

  /**
   * Applies an operator command given as JSON (see `alarmCommandSchema`) and returns the alarm it changed.
   * Throws on an invalid command or an operation the alarm's state does not allow.
   */
  handleCommand(payload: string): Alarm | undefined {
    return applyAlarmCommand(this.engine, parseAlarmCommand(payload), this.clock());
  }

  /** Stops everything, waits for pending notifications, and closes the store. Undelivered ones stay queued. */
  async stop(): Promise<void> {
    this.engine.stop();
    clearInterval(this.calibrationTimer);
    for (const undo of this.detach.splice(0)) undo();
    this.engine.removeAllListeners('transition');
    // A broker or webhook receiver that is down would otherwise hold the gateway's stop for good.
    // After this the notifier no longer touches the outbox, so late callbacks cannot write to the closed db.
    const undelivered = await this.notifier.stop(NOTIFY_STOP_TIMEOUT_MS);
    if (undelivered > 0) {
      this.options.logger.warn(
        { undelivered, timeout_ms: NOTIFY_STOP_TIMEOUT_MS },
        `${undelivered} alarm notification deliveries still under way ${NOTIFY_STOP_TIMEOUT_MS} ms after the stop request stay queued in the records database and are sent at the next start`,
      );
    }
    this.db.close();
    this.options.logger.info('cold-chain monitoring stopped');
  }

  /** Clears the alarms of devices removed from the configuration and logs one line about them. */
  private clearRemovedDevices(): void {
    const cleared = this.engine.clearRemovedDevices();
    if (cleared.length === 0) return;
    const devices = deviceIdsOf(cleared);
    const alarms = cleared.length === 1 ? '1 active alarm' : `${cleared.length} active alarms`;
    this.options.logger.info(
      { cleared: cleared.length, device_count: devices.length },
      `cleared ${alarms} of devices removed from the configuration: ${listIds(devices)}`,
    );
  }

  /** Logs and publishes each probe whose calibration is due soon or overdue, once a day per probe. */
  private checkCalibrations(): void {
    const now_ms = this.clock();
    const reminders = calibrationReminders(this.trail, now_ms, this.options.config.calibration.remind_days);
    for (const reminder of reminders) {
      const last = this.remindedOn.get(reminder.probe);
      if (last !== undefined && now_ms - last < MS_PER_DAY) continue;
      this.remindedOn.set(reminder.probe, now_ms);
      this.options.logger.warn(
        { probe: reminder.probe, certificate: reminder.certificate, due_on: reminder.due_on, status: reminder.status },
        'probe calibration due',
      );
      const topic = `${this.options.config.notify.mqtt_topic_prefix}/calibration/${reminder.probe}`;
      const payload = JSON.stringify({ ...reminder, time_ms: now_ms });
      Promise.resolve()
        .then(() => this.options.publish?.(topic, payload))
        .catch((error: Error) => this.options.logger.warn({ err: error, topic }, 'calibration reminder not published'));
    }
  }
}
