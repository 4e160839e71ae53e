/**
 * One EventSource on /api/v1/live for the whole page. Pages register listeners per event name and
 * remove them when they are left; the browser reconnects by itself when the stream drops.
 */

const listeners = new Map();
const statusListeners = new Set();
let source;

function dispatch(name, event) {
  const data = JSON.parse(event.data);
  for (const listener of listeners.get(name) ?? []) listener(data);
}

/** Opens the stream once; later calls do nothing. */
export function connectLive() {
  if (source) return;
  source = new EventSource('/api/v1/live');
  for (const name of ['reading', 'device_state', 'sensor_fault', 'alarm', 'plan']) {
    source.addEventListener(name, (event) => dispatch(name, event));
  }
  source.addEventListener('open', () => {
    for (const listener of statusListeners) listener(true);
  });
  source.addEventListener('error', () => {
    for (const listener of statusListeners) listener(false);
  });
}

/** Calls `listener` with the data of every `name` event; returns a function that stops it. */
export function onLive(name, listener) {
  if (!listeners.has(name)) listeners.set(name, new Set());
  listeners.get(name).add(listener);
  return () => listeners.get(name).delete(listener);
}

/** Calls `listener(connected)` whenever the stream opens or fails. */
export function onLiveStatus(listener) {
  statusListeners.add(listener);
}
