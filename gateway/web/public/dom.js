/** Small DOM and formatting helpers shared by the pages. Text always goes in through textContent. */
import { currentLanguage, t } from './i18n.js';

/** Creates an element with attributes (`class`, `data-*`, event handlers as `on…`) and children. */
export function el(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [children].flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Formats a temperature in °C with one decimal. */
export function formatTemperature(value) {
  return typeof value === 'number' ? `${value.toFixed(1)} °C` : '–';
}

/** Formats an epoch-millisecond time in the page language, or "never". */
export function formatTime(timeMs) {
  if (timeMs === null || timeMs === undefined) return t('overview.never');
  const locale = currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB';
  return new Date(timeMs).toLocaleString(locale, { hour12: false });
}

/** Formats a duration in milliseconds as the largest whole unit: `30 s`, `5 min`, `2 h`. */
export function formatDuration(ms) {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** Shows an error box in `container` with the API's message. */
export function showError(container, error) {
  // A 401 has already replaced the page with the login form.
  if (error.status === 401) return;
  const message =
    error.code === 'API_SERVICE_UNAVAILABLE' ? t('error.unavailable') : `${t('error.request')}: ${error.message}`;
  container.replaceChildren(el('p', { class: 'error', role: 'alert' }, message));
}
