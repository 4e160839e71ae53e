/** Overview: one tile per cold room and truck, updated from the live feed. */
import { api } from '../api.js';
import { el, formatTemperature, formatTime, showError } from '../dom.js';
import { t } from '../i18n.js';
import { onLive } from '../live.js';

/** Minimum time between two refreshes of the asset list triggered by live events, in milliseconds. */
const REFRESH_INTERVAL_MS = 1000;

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

export function renderOverview(container) {
  const grid = el('div', { class: 'tiles', 'data-testid': 'tiles' });
  container.replaceChildren(el('h2', {}, t('overview.heading')), grid);
  let timer;
  let stopped = false;

  async function refresh() {
    timer = undefined;
    try {
      const assets = await api.assets();
      if (stopped) return;
      grid.replaceChildren(...(assets.length > 0 ? assets.map(tile) : [el('p', {}, t('overview.empty'))]));
    } catch (error) {
      if (!stopped) showError(grid, error);
    }
  }

  function scheduleRefresh() {
    if (timer === undefined) timer = setTimeout(refresh, REFRESH_INTERVAL_MS);
  }

  const unsubscribers = ['reading', 'alarm', 'device_state'].map((name) => onLive(name, scheduleRefresh));
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
