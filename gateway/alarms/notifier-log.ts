/** Log lines of the alarm notifier's events, as the cold-chain monitor writes them. */
import type { Logger } from '../logger.js';
import { redactUrlText } from '../secrets.js';
import type { AlarmNotifier } from './alarm-notifier.js';

/** Logs failed, expired and dropped notifications and outbox errors of `notifier`. */
export function logNotifierEvents(notifier: AlarmNotifier, logger: Logger): void {
  notifier.on('delivery_failed', (failure) => {
    const fields = {
      err: failure.error,
      channel: failure.channel,
      target: failure.channel === 'webhook' ? redactUrlText(failure.target) : failure.target,
      alarm_id: failure.alarm_id,
    };
    if (!failure.queued) {
      logger.warn(fields, 'alarm notification not delivered');
      return;
    }
    const retry = { ...fields, failures: failure.failures, next_attempt_ms: failure.next_attempt_ms };
    // While a receiver stays down every pass fails again, so only the first failure of a row is a warning,
    // and a later one whose cause differs from the row's last.
    if (failure.failures === undefined || failure.failures <= 1 || failure.cause_changed === true) {
      logger.warn(retry, 'alarm notification not delivered; it stays queued and is sent again later');
    } else {
      logger.debug(retry, 'queued alarm notification not delivered again');
    }
  });
  notifier.on('expired', (expiry) => {
    logger.warn(
      {
        alarm_id: expiry.alarm_id,
        channel: expiry.channel,
        target: expiry.channel === 'webhook' ? redactUrlText(expiry.target) : expiry.target,
        age_s: Math.round(expiry.age_ms / 1000),
        last_error: expiry.last_error,
      },
      'queued alarm notification dropped unsent because it reached notify.outbox_max_age_s',
    );
  });
  notifier.on('outbox_overflow', ({ dropped, max_rows }) => {
    logger.warn(
      { dropped, max_rows },
      `${dropped} oldest queued alarm notifications dropped unsent because the outbox reached notify.outbox_max_rows`,
    );
  });
  notifier.on('outbox_failed', ({ error, operation }) => {
    logger.error({ err: error, operation }, 'alarm notification outbox operation failed in the records database');
  });
}
