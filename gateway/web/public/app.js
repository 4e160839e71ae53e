/** Dashboard shell: hash routes, navigation, language switch and the live-feed indicator. */
import { el } from './dom.js';
import { currentLanguage, LANGUAGES, setLanguage, t } from './i18n.js';
import { connectLive, onLive, onLiveStatus } from './live.js';
import { renderAlarms } from './pages/alarms.js';
import { renderAsset } from './pages/asset.js';
import { renderOverview } from './pages/overview.js';
import { renderScheduler } from './pages/scheduler.js';
import { forgetSession } from './permissions.js';
import { logIn, onLoginRequired } from './session.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const languageSelect = document.getElementById('language');
const liveIndicator = document.getElementById('live');
let leavePage = () => {};
let liveConnected = false;

const ROUTES = [
  { pattern: /^#\/alarms$/, nav: 'alarms', render: (container) => renderAlarms(container) },
  { pattern: /^#\/scheduler$/, nav: 'scheduler', render: (container) => renderScheduler(container) },
  {
    pattern: /^#\/asset\/(.+)$/,
    nav: 'overview',
    render: (container, match) => renderAsset(container, decodeURIComponent(match[1])),
  },
  { pattern: /^(#\/?)?$/, nav: 'overview', render: (container) => renderOverview(container) },
];

function renderNav(active) {
  nav.replaceChildren(
    ...['overview', 'alarms', 'scheduler'].map((name) =>
      el(
        'a',
        { href: name === 'overview' ? '#/' : `#/${name}`, class: name === active ? 'active' : '', 'data-nav': name },
        t(`nav.${name}`),
      ),
    ),
  );
}

function renderLive() {
  liveIndicator.textContent = liveConnected ? t('live.connected') : t('live.disconnected');
  liveIndicator.className = liveConnected ? 'live on' : 'live off';
}

function route() {
  leavePage();
  const hash = window.location.hash;
  const entry = ROUTES.find((candidate) => candidate.pattern.test(hash)) ?? ROUTES[ROUTES.length - 1];
  document.title = t('app.title');
  document.getElementById('title').textContent = t('app.title');
  renderNav(entry.nav);
  renderLive();
  leavePage = entry.render(main, hash.match(entry.pattern)) ?? (() => {});
  main.focus({ preventScroll: true });
}

/** Shows the login form of a gateway that requires one; after a login the current page is shown. */
function renderLogin() {
  if (main.querySelector('form.login') !== null) return;
  leavePage();
  leavePage = () => {};
  const username = el('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const status = el('p', { class: 'error', role: 'alert', hidden: true });
  const submit = async (event) => {
    event.preventDefault();
    try {
      await logIn(username.value, password.value);
      forgetSession();
    } catch (error) {
      status.textContent = t(error.message === 'AUTH_LOGIN_RATE_LIMITED' ? 'login.rate_limited' : 'login.failed');
      status.hidden = false;
      return;
    }
    connectLive();
    route();
  };
  liveIndicator.textContent = t('live.signed_out');
  liveIndicator.className = 'live off';
  main.replaceChildren(
    el('form', { class: 'login', onsubmit: submit }, [
      el('h2', {}, t('login.heading')),
      el('label', { for: 'login-username' }, t('login.username')),
      username,
      el('label', { for: 'login-password' }, t('login.password')),
      password,
      el('button', { type: 'submit' }, t('login.submit')),
      status,
    ]),
  );
  username.focus();
}

languageSelect.replaceChildren(
  ...LANGUAGES.map((code) => el('option', { value: code }, code === 'zh' ? '中文' : 'English')),
);
languageSelect.value = currentLanguage();
languageSelect.addEventListener('change', () => {
  setLanguage(languageSelect.value);
  route();
});
setLanguage(currentLanguage());
onLiveStatus((connected) => {
  liveConnected = connected;
  renderLive();
});
// The gateway could not send every event missed while the stream was down, so the page loads afresh.
onLive('resync', () => route());
onLoginRequired(renderLogin);
connectLive();
window.addEventListener('hashchange', route);
route();
