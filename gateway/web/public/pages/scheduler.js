/** Scheduler page: tonight's plan per truck, a route sketch, unserved orders and the pooled-versus-baseline figures. */
import { api } from '../api.js';
import { el, formatTime, showError } from '../dom.js';
import { t } from '../i18n.js';
import { onLive } from '../live.js';
import { currentSession, sessionAllows } from '../permissions.js';
import { drawRoutes, ROUTE_COLOURS } from './route-sketch.js';

const CLASSES = ['frozen', 'chilled', 'ambient'];

function loadBars(load) {
  const total = CLASSES.reduce((sum, name) => sum + (load[name] ?? 0), 0);
  return el(
    'div',
    { class: 'load' },
    CLASSES.map((name) =>
      el('div', { class: 'load-row' }, [
        el('span', { class: 'load-label' }, t(`class.${name}`)),
        el(
          'span',
          { class: 'load-bar' },
          el('i', { class: `class-${name}`, style: `width:${total > 0 ? ((load[name] ?? 0) / total) * 100 : 0}%` }),
        ),
        el('span', { class: 'load-value' }, `${load[name] ?? 0} kg`),
      ]),
    ),
  );
}

function routeCard(route, index) {
  return el('article', { class: 'route', 'data-truck': route.truck_id }, [
    el('h3', {}, [
      el('i', { class: 'swatch', style: `background:${ROUTE_COLOURS[index % ROUTE_COLOURS.length]}` }),
      `${t('scheduler.truck')} ${route.truck_id} · ${route.km.toFixed(1)} ${t('scheduler.km')}`,
    ]),
    el('table', { class: 'table' }, [
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          [
            t('scheduler.arrival'),
            t('scheduler.service_start'),
            t('scheduler.departure'),
            t('scheduler.stop'),
            t('scheduler.kind'),
            t('scheduler.orders'),
          ].map((text) => el('th', {}, text)),
        ),
      ),
      el(
        'tbody',
        {},
        // Plans stored before stops carried service times have only `arrival`.
        route.stops.map((stop) =>
          el('tr', {}, [
            el('td', {}, stop.arrival),
            el('td', {}, stop.service_start ?? stop.arrival),
            el('td', {}, stop.departure ?? stop.arrival),
            el('td', {}, stop.name),
            el('td', {}, t(`stop.${stop.kind}`)),
            el('td', {}, stop.order_ids.join(', ')),
          ]),
        ),
      ),
    ]),
    el('h4', {}, t('scheduler.load')),
    loadBars(route.load_kg),
  ]);
}

function comparisonTable(comparison) {
  const { pooled, baseline, savings } = comparison;
  const rows = [
    ['scheduler.trips', pooled.trips, baseline.trips, savings.trips_saved],
    ['scheduler.orders_served', pooled.orders_served ?? '', baseline.orders_served ?? '', ''],
    [
      'scheduler.distance',
      pooled.km.toFixed(1),
      baseline.km.toFixed(1),
      `${savings.km_saved.toFixed(1)} (${savings.km_saved_pct.toFixed(0)} %)`,
    ],
    [
      'scheduler.load_factor',
      `${(pooled.load_factor * 100).toFixed(0)} %`,
      `${(baseline.load_factor * 100).toFixed(0)} %`,
      `+${(savings.load_factor_gain * 100).toFixed(0)} pt`,
    ],
    [
      'scheduler.co2',
      pooled.kg_co2.toFixed(1),
      baseline.kg_co2.toFixed(1),
      `${savings.kg_co2_saved.toFixed(1)} (${savings.kg_co2_saved_pct.toFixed(0)} %)`,
    ],
  ];
  return el('table', { class: 'table comparison', 'data-testid': 'comparison' }, [
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['', t('scheduler.pooled'), t('scheduler.baseline'), t('scheduler.saving')].map((text) => el('th', {}, text)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map(([key, ...cells]) =>
        el('tr', { 'data-row': key.split('.')[1] }, [
          el('th', {}, t(key)),
          ...cells.map((cell) => el('td', {}, String(cell))),
        ]),
      ),
    ),
  ]);
}

function unservedList(unserved) {
  if (unserved.length === 0) return el('p', {}, t('scheduler.no_unserved'));
  return el('table', { class: 'table', 'data-testid': 'unserved' }, [
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        [t('scheduler.orders'), t('scheduler.reason')].map((text) => el('th', {}, text)),
      ),
    ),
    el(
      'tbody',
      {},
      unserved.map((entry) => el('tr', {}, [el('td', {}, entry.order_id), el('td', {}, entry.reason)])),
    ),
  ]);
}

/**
 * Disables `controls` and adds a note after `form` when the signed-in role may not compute plans, which
 * needs operator. Until the session is known the controls stay enabled, and the gateway checks the call.
 */
async function disableForViewer(form, controls) {
  let session;
  try {
    session = await currentSession();
  } catch {
    // The plan area shows the API error of its own calls.
    return;
  }
  if (sessionAllows(session, 'operator') || !form.isConnected) return;
  for (const control of controls) control.disabled = true;
  const note = t('scheduler.read_only', { user: session.user, role: session.role });
  form.after(el('p', { class: 'muted', 'data-field': 'read-only' }, note));
}

export function renderScheduler(container) {
  const scenario = el('input', { type: 'text', id: 'scenario', value: 'night', 'aria-label': t('scheduler.scenario') });
  const runButton = el('button', { type: 'submit', 'data-action': 'run-plan' }, t('scheduler.run'));
  const body = el('div', { 'data-testid': 'plan' });
  const form = el(
    'form',
    {
      class: 'toolbar',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api.runPlan(scenario.value.trim());
          await load();
        } catch (error) {
          showError(body, error);
        }
      },
    },
    [el('label', { for: 'scenario' }, t('scheduler.scenario')), scenario, runButton],
  );
  container.replaceChildren(el('h2', {}, t('scheduler.heading')), form, body);
  disableForViewer(form, [scenario, runButton]);
  let stopped = false;
  let canvas;
  const redraw = () => canvas?.plan && drawRoutes(canvas, canvas.plan.routes);

  async function load() {
    try {
      const plan = await api.latestPlan();
      const comparison = await api.comparison(plan.id);
      if (stopped) return;
      canvas = el('canvas', { class: 'route-map', 'data-testid': 'route-map' });
      canvas.plan = plan;
      body.replaceChildren(
        el(
          'p',
          { class: 'muted' },
          [
            `${t('scheduler.scenario')}: ${plan.scenario}`,
            // Plans stored by gateway versions without plan dates lack the field.
            ...(plan.plan_date ? [`${t('scheduler.plan_date')}: ${plan.plan_date}`] : []),
            `${t('scheduler.created')}: ${formatTime(plan.created_ms)}`,
          ].join(' · '),
        ),
        el('h3', {}, t('scheduler.comparison')),
        el('div', { class: 'table-scroll' }, comparisonTable(comparison)),
        el('h3', {}, t('scheduler.map')),
        canvas,
        el('div', { class: 'routes' }, plan.routes.map(routeCard)),
        el('h3', {}, t('scheduler.unserved')),
        unservedList(plan.unserved),
      );
      redraw();
    } catch (error) {
      if (stopped) return;
      if (error.code === 'API_PLAN_NOT_FOUND') body.replaceChildren(el('p', {}, t('scheduler.none')));
      else showError(body, error);
    }
  }

  window.addEventListener('resize', redraw);
  const unsubscribe = onLive('plan', load);
  load();
  return () => {
    stopped = true;
    window.removeEventListener('resize', redraw);
    unsubscribe();
  };
}
