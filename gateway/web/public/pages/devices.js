/**
 * Device table of the asset page: each device's health, last reading, field error count and timestamp
 * collision count (shown when not 0). It is refreshed from the live feed when one of the devices changes
 * state, sends a field that could not be read or sends a payload that was rejected.
 */
import { api } from '../api.js';
import { el, formatTime, showError } from '../dom.js';
import { t } from '../i18n.js';
import { onLive } from '../live.js';

/** Minimum time between two reloads of the table triggered by live events, in milliseconds. */
const REFRESH_INTERVAL_MS = 1000;

/** Creates the badge of a field error count, a warning when the count is not 0, titled with the newest error. */
export function fieldErrorBadge(health) {
  const count = health.field_errors;
  return el(
    'span',
    {
      class: count > 0 ? 'badge level-warning' : 'badge level-none',
      'data-field': 'field_errors',
      'data-count': count,
      title: health.last_field_error ?? undefined,
    },
    String(count),
  );
}

/**
 * Creates the badge of a timestamp collision count, titled with the time of the newest collision, or
 * nothing when the count is 0.
 */
export function timestampCollisionBadge(health) {
  const count = health.timestamp_collisions ?? 0;
  if (count === 0) return null;
  return el(
    'span',
    {
      class: 'badge level-warning',
      'data-field': 'timestamp_collisions',
      'data-count': count,
      'data-time-ms': health.last_timestamp_collision_ms,
      title: t('devices.last_timestamp_collision', { time: formatTime(health.last_timestamp_collision_ms) }),
    },
    String(count),
  );
}

/**
 * Creates the health cell of a device. A device whose every payload since its last accepted reading was
 * rejected also shows the newest error and the time the gateway received it.
 */
export function healthCell(health) {
  const details =
    health.state === 'payload_errors' && health.last_payload_error !== null
      ? el(
          'div',
          { class: 'muted', 'data-field': 'last_payload_error', 'data-time-ms': health.last_payload_error_ms },
          t('health.last_payload_error', {
            time: formatTime(health.last_payload_error_ms),
            error: health.last_payload_error,
          }),
        )
      : null;
  return el('td', { 'data-field': 'health', 'data-state': health.state }, [t(`health.${health.state}`), details]);
}

function deviceRow(device) {
  return el('tr', { 'data-device': device.id }, [
    el('td', {}, device.id),
    healthCell(device.health),
    el('td', {}, formatTime(device.health.last_seen_ms)),
    el('td', {}, fieldErrorBadge(device.health)),
    el('td', {}, timestampCollisionBadge(device.health)),
  ]);
}

function deviceTable(devices) {
  if (devices.length === 0) return el('p', {}, t('devices.none'));
  return el('table', { class: 'table', 'data-testid': 'devices' }, [
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        [
          t('devices.device'),
          t('devices.health'),
          t('devices.last_seen'),
          t('devices.field_errors'),
          t('devices.timestamp_collisions'),
        ].map((text) => el('th', {}, text)),
      ),
    ),
    el('tbody', {}, devices.map(deviceRow)),
  ]);
}

/** Fills `container` with the devices of `assetName` and keeps it current; returns a function that stops it. */
export function mountDevices(container, assetName) {
  let deviceIds = new Set();
  let timer;
  let stopped = false;

  async function refresh() {
    timer = undefined;
    try {
      const asset = await api.asset(assetName);
      if (stopped) return;
      deviceIds = new Set(asset.devices);
      container.replaceChildren(deviceTable(asset.device_details));
    } catch (error) {
      if (!stopped) showError(container, error);
    }
  }

  function scheduleRefresh(event) {
    if (deviceIds.has(event.device_id) && timer === undefined) timer = setTimeout(refresh, REFRESH_INTERVAL_MS);
  }

  // NOTE: the live feed sends no event for a timestamp collision, so a new count shows at the next reload.
  const unsubscribers = ['field_error', 'payload_error', 'device_state'].map((name) => onLive(name, scheduleRefresh));
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
