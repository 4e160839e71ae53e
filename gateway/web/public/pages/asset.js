/**
 * Asset page: temperature curves with limits and shaded periods, MKT of the window (per compartment
 * for a truck with several), devices and alarms.
 */
import { api } from '../api.js';
import { el, formatDuration, formatTemperature, formatTime, showError } from '../dom.js';
import { t } from '../i18n.js';
import { onLive } from '../live.js';
import { drawChart, groupName, isWholeTruckWithoutSeries, PERIOD_LEGEND } from './chart.js';
import { mountDevices } from './devices.js';

const WINDOWS_MS = [
  ['1 h', 3_600_000],
  ['6 h', 21_600_000],
  ['24 h', 86_400_000],
  ['7 d', 604_800_000],
];

/** Minimum time between two chart reloads triggered by live readings, in milliseconds. */
const RELOAD_INTERVAL_MS = 10_000;

function limitsText(limits) {
  const parts = [];
  if (typeof limits.min_c === 'number') parts.push(`≥ ${limits.min_c} °C`);
  if (typeof limits.max_c === 'number') parts.push(`≤ ${limits.max_c} °C`);
  return parts.length > 0 ? parts.join(', ') : t('asset.no_limits');
}

function mktText(mkt_c) {
  return mkt_c === null ? t('asset.mkt_none') : formatTemperature(mkt_c);
}

/**
 * Returns the summary line of a whole-truck profile beside compartment profiles, which names the
 * compartment profiles that show the truck's readings instead of an empty MKT.
 */
function wholeTruckLine(group) {
  const text = t('asset.whole_truck', { profile: group.profile, profiles: group.compartment_profiles.join(', ') });
  return el('p', { 'data-field': 'group-whole-truck', 'data-group': groupName(group) }, [
    el('strong', {}, groupName(group)),
    `: ${text}`,
  ]);
}

/**
 * Returns the MKT and limits lines of the summary: one pair for an asset with one group, else one line
 * per group, because a truck's frozen and chilled compartments must not share one figure.
 */
function summaryLines(chart) {
  if (chart.groups.length <= 1) {
    return [
      el('p', { 'data-field': 'mkt' }, [`${t('asset.mkt')}: `, el('strong', {}, mktText(chart.mkt_c))]),
      el('p', {}, `${t('asset.limits')}: ${limitsText(chart.limits ?? {})}`),
    ];
  }
  return chart.groups.map((group) =>
    isWholeTruckWithoutSeries(chart, group)
      ? wholeTruckLine(group)
      : el('p', { 'data-field': 'group-mkt', 'data-group': groupName(group) }, [
          el('strong', {}, groupName(group)),
          ` ${t('asset.mkt')}: `,
          el('strong', {}, mktText(group.mkt_c)),
          `  ${t('asset.limits')}: ${limitsText(group.limits)}`,
        ]),
  );
}

/**
 * Returns the line of an alarms.assets entry that watches part of an asset, such as the compartment
 * `truck-1/front`, with a link to the whole asset's page; returns null for a whole asset.
 */
function partOfLine(chart) {
  if (chart.match === null) return null;
  const parts = [];
  if (chart.match.compartment !== undefined) parts.push(t('asset.part_compartment', { name: chart.match.compartment }));
  if (chart.match.device !== undefined) parts.push(t('asset.part_device', { name: chart.match.device }));
  const whole = el('a', { href: `#/asset/${encodeURIComponent(chart.device_asset)}` }, chart.device_asset);
  return el('p', { 'data-field': 'part-of' }, [
    `${t('asset.part_of')}: `,
    whole,
    parts.length > 0 ? ` (${parts.join(', ')})` : '',
  ]);
}

function alarmRows(alarms) {
  if (alarms.length === 0) return el('p', {}, t('alarms.none'));
  return el('table', { class: 'table' }, [
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        [t('alarms.raised'), t('alarms.level'), t('alarms.state'), t('alarms.message'), t('alarms.history')].map(
          (text) => el('th', {}, text),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      alarms.map((alarm) =>
        el('tr', {}, [
          el('td', {}, formatTime(alarm.raised_ms)),
          el('td', {}, el('span', { class: `badge level-${alarm.level}` }, t(`level.${alarm.level}`))),
          el('td', {}, t(`alarm_state.${alarm.state}`)),
          el('td', {}, alarm.message),
          el(
            'td',
            {},
            alarm.history
              .map(
                (step) =>
                  `${t(`alarm_action.${step.action}`)}${step.who ? ` (${step.who})` : ''}${step.comment ? `: ${step.comment}` : ''}`,
              )
              .join('; '),
          ),
        ]),
      ),
    ),
  ]);
}

export function renderAsset(container, assetName) {
  let windowMs = WINDOWS_MS[0][1];
  let plot;
  let stopped = false;
  let lastLoad = 0;
  // The asset tag of the readings: the asset itself, or for an alarms.assets entry the asset it is part of.
  let deviceAsset = assetName;
  // Alarm asset ids whose alarms the page lists: for a whole asset also the ids of its alarms.assets entries.
  let alarmAssets = new Set([assetName]);
  const summary = el('div', { class: 'summary' });
  const chartBox = el('div', { class: 'chart', 'data-testid': 'chart' });
  const note = el('p', { class: 'muted' });
  const alarmsBox = el('div', {});
  const devicesBox = el('div', {});
  const buttons = WINDOWS_MS.map(([label, ms]) =>
    el('button', { type: 'button', class: ms === windowMs ? 'selected' : '', onclick: () => select(ms) }, label),
  );
  container.replaceChildren(
    el('a', { href: '#/', class: 'back' }, t('asset.back')),
    el('h2', {}, assetName),
    el('div', { class: 'toolbar' }, [el('span', {}, `${t('asset.window')}:`), ...buttons]),
    summary,
    chartBox,
    el(
      'p',
      { class: 'legend' },
      PERIOD_LEGEND.map(({ key, fill }) =>
        el('span', {}, [el('i', { class: 'swatch', style: `background:${fill}` }), t(key)]),
      ),
    ),
    note,
    el('h3', {}, t('asset.devices')),
    devicesBox,
    el('h3', {}, t('asset.alarms')),
    alarmsBox,
  );

  function select(ms) {
    windowMs = ms;
    buttons.forEach((button, i) => {
      button.classList.toggle('selected', WINDOWS_MS[i][1] === ms);
    });
    load();
  }

  async function load() {
    lastLoad = Date.now();
    const toMs = Date.now();
    try {
      const chart = await api.chart(assetName, toMs - windowMs, toMs);
      if (stopped) return;
      deviceAsset = chart.device_asset;
      alarmAssets = new Set(chart.alarm_assets);
      summary.replaceChildren(...[partOfLine(chart), ...summaryLines(chart)].filter((line) => line !== null));
      plot?.destroy();
      plot = undefined;
      chartBox.replaceChildren();
      if (chart.series.every((series) => series.points.length === 0)) {
        chartBox.append(el('p', {}, t('asset.no_history')));
      } else {
        plot = drawChart(chartBox, chart, Math.max(280, chartBox.clientWidth));
      }
      note.textContent =
        chart.bucket_ms === null ? '' : t('asset.bucketed', { bucket: formatDuration(chart.bucket_ms) });
      alarmsBox.replaceChildren(alarmRows(chart.alarms));
    } catch (error) {
      if (!stopped) showError(chartBox, error);
    }
  }

  const onResize = () => plot?.setSize({ width: Math.max(280, chartBox.clientWidth), height: plot.height });
  window.addEventListener('resize', onResize);
  const unsubscribers = [
    onLive('reading', (reading) => {
      if (reading.tags.asset === deviceAsset && Date.now() - lastLoad > RELOAD_INTERVAL_MS) load();
    }),
    onLive('alarm', (alarm) => {
      if (alarmAssets.has(alarm.asset)) load();
    }),
  ];
  const stopDevices = mountDevices(devicesBox, assetName);
  load();
  return () => {
    stopped = true;
    stopDevices();
    plot?.destroy();
    window.removeEventListener('resize', onResize);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
