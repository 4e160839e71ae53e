/**
 * Overview: one tile per cold room and truck, and a table of the devices discovered through wildcard
 * subscriptions, updated from the live feed.
 */
import { api } from '../api.js';
import { el, formatTemperature, formatTime, showError } from '../dom.js';
import { t } from '../i18n.js';
import { onLive } from '../live.js';
import { fieldErrorBadge, healthCell } from './devices.js';

/** Minimum time between two refreshes of the asset list triggered by live events, in milliseconds. */
const REFRESH_INTERVAL_MS = 1000;

/** Discovered devices shown at most, the first by id. */
const DISCOVERED_SHOWN = 100;

/** Returns the translated name of a temperature field, or the field name when it has none. */
function fieldLabel(field) {
  const key = `field.${field}`;
  const text = t(key);
  return text === key ? field : text;
}

function temperatureList(asset) {
  if (asset.temperatures.length === 0) return el('p', { class: 'temperature' }, '–');
  if (asset.temperatures.length === 1) {
    const [entry] = asset.temperatures;
    // The air temperature needs no label. A tile that shows another field, such as the product probe
    // while the air probe is faulted, names it, so the value is not read as the air temperature.
    const label =
      entry.field === 'air_temp_c' ? [] : [' ', el('span', { class: 'field-label' }, fieldLabel(entry.field))];
    return el('p', { class: 'temperature', 'data-field': 'temperature', 'data-source': entry.field }, [
      formatTemperature(entry.value_c),
      ...label,
    ]);
  }
  return el(
    'ul',
    { class: 'compartments', 'data-field': 'temperature' },
    asset.temperatures.map((entry) =>
      el('li', {}, [el('span', {}, entry.label), ' ', el('strong', {}, formatTemperature(entry.value_c))]),
    ),
  );
}

function tile(asset) {
  return el(
    'a',
    {
      class: `tile level-${asset.alarm_level}`,
      href: `#/asset/${encodeURIComponent(asset.asset)}`,
      'data-asset': asset.asset,
    },
    [
      el('header', {}, [el('h3', {}, asset.asset), el('span', { class: 'kind' }, t(`kind.${asset.kind}`))]),
      temperatureList(asset),
      el('div', { class: 'badges' }, [
        el(
          'span',
          { class: `badge state-${asset.state}`, 'data-field': 'state', 'data-state': asset.state },
          t(`state.${asset.state}`),
        ),
        el(
          'span',
          { class: `badge level-${asset.alarm_level}`, 'data-field': 'alarm', 'data-level': asset.alarm_level },
          t(`level.${asset.alarm_level}`),
        ),
      ]),
      el('p', { class: 'muted' }, `${t('overview.last_seen')}: ${formatTime(asset.last_seen_ms)}`),
    ],
  );
}

function discoveredRow(device) {
  const { health } = device;
  return el('tr', { 'data-device': device.id }, [
    el('td', {}, device.id),
    el('td', {}, device.subscription ?? ''),
    healthCell(health),
    el('td', {}, formatTime(health.last_seen_ms)),
    el('td', {}, fieldErrorBadge(health)),
    el('td', { 'data-field': 'last_problem' }, health.last_error ?? health.last_field_error ?? ''),
  ]);
}

/** Returns the discovered-device section, or nothing when no device was discovered. */
function discoveredSection(devices) {
  if (devices.length === 0) return [];
  const headings = [
    t('devices.device'),
    t('devices.subscription'),
    t('devices.health'),
    t('devices.last_seen'),
    t('devices.field_errors'),
    t('devices.last_problem'),
  ];
  const table = el('table', { class: 'table', 'data-testid': 'discovered' }, [
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headings.map((text) => el('th', {}, text)),
      ),
    ),
    el('tbody', {}, devices.map(discoveredRow)),
  ]);
  const more =
    devices.length >= DISCOVERED_SHOWN
      ? [el('p', { class: 'muted' }, t('overview.discovered_more', { count: DISCOVERED_SHOWN }))]
      : [];
  return [
    el('h3', {}, t('overview.discovered')),
    el('p', { class: 'muted' }, t('overview.discovered_note')),
    // The table scrolls on its own, so that a long problem text does not widen the page on a phone.
    el('div', { class: 'table-scroll' }, table),
    ...more,
  ];
}

export function renderOverview(container) {
  const grid = el('div', { class: 'tiles', 'data-testid': 'tiles' });
  const discovered = el('section', { 'data-testid': 'discovered-section' });
  container.replaceChildren(el('h2', {}, t('overview.heading')), grid, discovered);
  let timer;
  let stopped = false;

  async function refresh() {
    timer = undefined;
    try {
      const [assets, discoveredDevices] = await Promise.all([api.assets(), api.discoveredDevices(DISCOVERED_SHOWN)]);
      if (stopped) return;
      // With only discovered devices, the empty-overview text would state falsely that no device exists.
      const empty = discoveredDevices.length > 0 ? [] : [el('p', {}, t('overview.empty'))];
      grid.replaceChildren(...(assets.length > 0 ? assets.map(tile) : empty));
      discovered.replaceChildren(...discoveredSection(discoveredDevices));
    } catch (error) {
      if (!stopped) showError(grid, error);
    }
  }

  function scheduleRefresh() {
    if (timer === undefined) timer = setTimeout(refresh, REFRESH_INTERVAL_MS);
  }

  const unsubscribers = ['reading', 'alarm', 'device_state', 'field_error', 'payload_error'].map((name) =>
    onLive(name, scheduleRefresh),
  );
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
