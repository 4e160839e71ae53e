/**
 * Alarms page: the operator acknowledges with a comment, adds comments in any state and closes with the
 * corrective action.
 */
import { api } from '../api.js';
import { el, formatTime, showError } from '../dom.js';
import { t } from '../i18n.js';
import { onLive } from '../live.js';
import { currentSession, sessionAllows } from '../permissions.js';
import { sessionToken } from '../session.js';

const OPERATOR_KEY = 'coldpool.operator';

function historyList(alarm) {
  return el(
    'ol',
    { class: 'history' },
    alarm.history.map((step) =>
      el('li', {}, [
        `${formatTime(step.time_ms)} ${t(`alarm_action.${step.action}`)}`,
        step.who ? ` · ${step.who}` : '',
        step.on_behalf_of ? ` ${t('alarms.on_behalf_of_entry', { name: step.on_behalf_of })}` : '',
        step.comment ? ` · ${step.comment}` : '',
      ]),
    ),
  );
}

/** A form with one text input and a button; `submit(text)` runs with the trimmed text. */
function actionForm(alarm, label, button, action, submit) {
  const input = el('input', {
    type: 'text',
    required: true,
    maxlength: 2000,
    'aria-label': label,
    placeholder: label,
    'data-action-input': action,
  });
  return el(
    'form',
    {
      class: 'action',
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text !== '') submit(text);
      },
    },
    [input, el('button', { type: 'submit', 'data-action': action, 'data-alarm': alarm.id }, button)],
  );
}

/** Asset of an alarm as the gateway names a site-wide alarm, such as a power failure. */
const SITE_ASSET = '_site';

/**
 * Returns the link to the page of the alarm's asset, which is a whole asset or an alarms.assets entry
 * such as `truck-1/front`. A site-wide alarm has no asset page, so it shows the site's name.
 */
function assetLink(alarm) {
  if (alarm.asset === SITE_ASSET)
    return el('span', { 'data-field': 'alarm-site' }, t('alarms.site_wide', { site: alarm.site }));
  return el('a', { href: `#/asset/${encodeURIComponent(alarm.asset)}`, 'data-field': 'alarm-asset' }, alarm.asset);
}

export function renderAlarms(container) {
  // With a login the gateway records the logged-in user, so the name field is an optional "on behalf of".
  const loggedIn = sessionToken() !== undefined;
  const operator = el('input', {
    type: 'text',
    id: 'operator',
    value: localStorage.getItem(OPERATOR_KEY) ?? '',
    autocomplete: 'name',
    title: t(loggedIn ? 'alarms.on_behalf_of_help' : 'alarms.operator_help'),
  });
  operator.addEventListener('change', () => localStorage.setItem(OPERATOR_KEY, operator.value.trim()));
  const filter = el('select', { id: 'alarm-filter' }, [
    el('option', { value: 'open' }, t('alarms.filter_open')),
    el('option', { value: 'all' }, t('alarms.filter_all')),
  ]);
  const operatorLabel = el('label', { for: 'operator' }, t(loggedIn ? 'alarms.on_behalf_of' : 'alarms.operator'));
  const message = el('p', { class: 'error', role: 'alert', hidden: true });
  const list = el('div', { class: 'alarm-list', 'data-testid': 'alarm-list' });
  // The operator field and the action forms appear once the session shows that the role may act.
  const toolbar = el('div', { class: 'toolbar' }, [filter]);
  container.replaceChildren(el('h2', {}, t('alarms.heading')), toolbar, message, list);
  let stopped = false;
  let mayAct;
  // Ids of the alarms whose history is expanded, kept across the refreshes that rebuild the cards.
  const expanded = new Set();

  async function act(alarmId, call) {
    const typed = operator.value.trim();
    if (typed === '' && !loggedIn) {
      message.textContent = t('alarms.operator_missing');
      message.hidden = false;
      operator.focus();
      return;
    }
    localStorage.setItem(OPERATOR_KEY, typed);
    message.hidden = true;
    try {
      await call(typed === '' ? undefined : typed);
      // The history then shows the step just recorded.
      expanded.add(alarmId);
      await refresh();
    } catch (error) {
      message.textContent = `${t('error.request')}: ${error.message}`;
      message.hidden = false;
    }
  }

  /** Shows the operator field, or for a role below operator a note that names the role needed. */
  function applySession(session) {
    const allowed = sessionAllows(session, 'operator');
    if (allowed === mayAct) return;
    mayAct = allowed;
    if (mayAct) {
      toolbar.replaceChildren(operatorLabel, operator, filter);
      return;
    }
    const note = t('alarms.read_only', { user: session.user, role: session.role });
    toolbar.after(el('p', { class: 'muted', 'data-field': 'read-only' }, note));
  }

  function card(alarm) {
    const forms = [];
    if (mayAct && alarm.state === 'active') {
      forms.push(
        actionForm(alarm, t('alarms.comment'), t('alarms.acknowledge'), 'acknowledge', (text) =>
          act(alarm.id, (who) => api.acknowledge(alarm.id, who, text)),
        ),
      );
    }
    if (mayAct) {
      forms.push(
        actionForm(alarm, t('alarms.comment'), t('alarms.add_comment'), 'comment', (text) =>
          act(alarm.id, (who) => api.comment(alarm.id, who, text)),
        ),
      );
    }
    if (mayAct && alarm.state !== 'closed') {
      forms.push(
        actionForm(alarm, t('alarms.corrective_action'), t('alarms.close'), 'close', (text) =>
          act(alarm.id, (who) => api.close(alarm.id, who, text)),
        ),
      );
    }
    return el(
      'article',
      { class: `alarm level-${alarm.level}`, 'data-alarm-id': alarm.id, 'data-state': alarm.state },
      [
        el('header', {}, [
          el('span', { class: `badge level-${alarm.level}` }, t(`level.${alarm.level}`)),
          el(
            'span',
            { class: `badge alarm-state-${alarm.state}`, 'data-field': 'alarm-state' },
            t(`alarm_state.${alarm.state}`),
          ),
          assetLink(alarm),
          el('span', { class: 'muted' }, formatTime(alarm.raised_ms)),
        ]),
        el('p', {}, alarm.message),
        historyDetails(alarm),
        ...forms,
      ],
    );
  }

  function historyDetails(alarm) {
    const details = el('details', { open: expanded.has(alarm.id) }, [
      el('summary', {}, t('alarms.history')),
      historyList(alarm),
    ]);
    details.addEventListener('toggle', () => {
      if (details.open) expanded.add(alarm.id);
      else expanded.delete(alarm.id);
    });
    return details;
  }

  async function refresh() {
    try {
      const [alarms, session] = await Promise.all([api.alarms(), currentSession()]);
      if (stopped) return;
      applySession(session);
      const shown = filter.value === 'open' ? alarms.filter((alarm) => alarm.state !== 'closed') : alarms;
      list.replaceChildren(...(shown.length > 0 ? shown.map(card) : [el('p', {}, t('alarms.none'))]));
    } catch (error) {
      if (!stopped) showError(list, error);
    }
  }

  filter.addEventListener('change', refresh);
  const unsubscribe = onLive('alarm', () => {
    // A live update must not wipe a comment the operator is typing.
    if (!list.contains(document.activeElement)) refresh();
  });
  refresh();
  return () => {
    stopped = true;
    unsubscribe();
  };
}
