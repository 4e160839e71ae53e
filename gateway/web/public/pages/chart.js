/**
 * Temperature chart of an asset with uPlot 1.6 (loaded as the global `uPlot`): one line per series,
 * bucket minimum and maximum as dashed lines, the limits of each group (alarm profile and compartment)
 * as red dashed lines, and defrost and door-open periods shaded behind the curves.
 */
import { t } from '../i18n.js';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#17becf'];
const DEFROST_FILL = 'rgba(120, 170, 255, 0.18)';
const DOOR_FILL = 'rgba(255, 170, 60, 0.22)';
/** Dash patterns of the limit lines, one per group of the chart, so each compartment's limits differ. */
const LIMIT_DASHES = [
  [8, 4],
  [2, 4],
  [12, 4, 2, 4],
];

/** Name of a chart group on the page: its compartment, else its alarm profile. */
export function groupName(group) {
  return group.compartment ?? group.profile ?? '';
}

/**
 * Returns true for the group of a whole-truck alarm profile that no series belongs to, because the
 * compartment profiles beside it (`compartment_profiles`) took every series of its truck.
 */
export function isWholeTruckWithoutSeries(chart, group) {
  const compartments = group.compartment_profiles ?? [];
  return compartments.length > 0 && !chart.series.some((series) => series.profile === group.profile);
}

/**
 * Returns one line per limit of each group of the chart, labelled with the group's name when the chart
 * has several groups, such as the frozen front and the chilled rear compartment of a truck.
 */
function limitLines(chart) {
  const lines = [];
  chart.groups.forEach((group, i) => {
    // Limits of a whole-truck profile without series would sit among the compartments' curves unexplained.
    if (isWholeTruckWithoutSeries(chart, group)) return;
    const prefix = chart.groups.length > 1 ? `${groupName(group)} ` : '';
    for (const limit of [group.limits.min_c, group.limits.max_c]) {
      if (typeof limit !== 'number') continue;
      lines.push({
        value: limit,
        label: `${prefix}${t('asset.limits')} ${limit} °C`,
        dash: LIMIT_DASHES[i % LIMIT_DASHES.length],
      });
    }
  });
  return lines;
}

/**
 * Aligns the series on the union of their timestamps and the window edges, in seconds as uPlot expects.
 * The edges make the limit lines span the whole window. Gaps are null.
 */
function alignData(chart, withRange) {
  const pointTimes = chart.series.flatMap((series) => series.points.map((point) => point.time_ms));
  const times = [...new Set([chart.from_ms, ...pointTimes, chart.to_ms])].sort((a, b) => a - b);
  const index = new Map(times.map((time, i) => [time, i]));
  const columns = [times.map((time) => time / 1000)];
  for (const series of chart.series) {
    const keys = withRange ? ['mean', 'min', 'max'] : ['mean'];
    for (const key of keys) {
      const column = new Array(times.length).fill(null);
      for (const point of series.points) column[index.get(point.time_ms)] = point[key];
      columns.push(column);
    }
  }
  for (const line of limitLines(chart)) columns.push(times.map(() => line.value));
  return columns;
}

function seriesOptions(chart, withRange) {
  const options = [{}];
  chart.series.forEach((series, i) => {
    const stroke = COLOURS[i % COLOURS.length];
    options.push({
      label: series.label,
      stroke,
      width: 2,
      spanGaps: true,
      value: (_, v) => (v === null ? '–' : `${v.toFixed(1)} °C`),
    });
    if (withRange) {
      options.push({ label: `${series.label} ${t('asset.min')}`, stroke, width: 1, dash: [4, 4], spanGaps: true });
      options.push({ label: `${series.label} ${t('asset.max')}`, stroke, width: 1, dash: [4, 4], spanGaps: true });
    }
  });
  for (const line of limitLines(chart)) {
    options.push({ label: line.label, stroke: '#d62728', width: 1, dash: line.dash });
  }
  return options;
}

/** uPlot plugin that shades the periods behind the plot, between the axes. */
function shadePeriods(periods) {
  const layers = [
    { list: periods.defrost, fill: DEFROST_FILL },
    { list: periods.door_open, fill: DOOR_FILL },
  ];
  return {
    hooks: {
      drawClear: (plot) => {
        const { ctx, bbox } = plot;
        ctx.save();
        for (const { list, fill } of layers) {
          ctx.fillStyle = fill;
          for (const period of list) {
            const left = Math.max(bbox.left, plot.valToPos(period.from_ms / 1000, 'x', true));
            const right = Math.min(bbox.left + bbox.width, plot.valToPos(period.to_ms / 1000, 'x', true));
            if (right > left) ctx.fillRect(left, bbox.top, right - left, bbox.height);
          }
        }
        ctx.restore();
      },
    },
  };
}

/** Draws the chart into `target` and returns the uPlot instance; `width` in CSS pixels. */
export function drawChart(target, chart, width) {
  const withRange = chart.bucket_ms !== null;
  const options = {
    width,
    height: Math.round(Math.min(360, Math.max(220, width * 0.5))),
    scales: { x: { time: true, range: [chart.from_ms / 1000, chart.to_ms / 1000] } },
    axes: [{}, { label: '°C' }],
    series: seriesOptions(chart, withRange),
    plugins: [shadePeriods(chart.periods)],
  };
  return new globalThis.uPlot(options, alignData(chart, withRange), target);
}

/** Legend swatches of the shaded period kinds. */
export const PERIOD_LEGEND = [
  { key: 'asset.defrost', fill: DEFROST_FILL },
  { key: 'asset.door_open', fill: DOOR_FILL },
];
