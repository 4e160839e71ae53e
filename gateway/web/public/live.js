/**
 * One stream of /api/v1/live for the whole page, which pages subscribe to per event name. It is read
 * with fetch, because EventSource cannot send an `Authorization` header. A dropped stream is opened
 * again after the `retry` time that the server sends, with the id of the last event in `Last-Event-ID`,
 * so the gateway sends the events missed meanwhile, or a `resync` event when it no longer has them.
 */
import { requireLogin, withToken } from './session.js';

const listeners = new Map();
const statusListeners = new Set();
let started = false;
let retryMs = 3000;
/** Id of the last event received, sent when the stream is opened again. */
let lastEventId;

/** Passes the parsed data of a `name` event to its listeners. An event without listeners is not parsed. */
function dispatch(name, data) {
  const registered = listeners.get(name);
  if (registered === undefined || registered.size === 0) return;
  const parsed = JSON.parse(data);
  for (const listener of registered) listener(parsed);
}

function setStatus(connected) {
  for (const listener of statusListeners) listener(connected);
}

/** Handles one event block of the stream (`id:`, `event:`, `data:` and `retry:` lines), skipping comments. */
function handleBlock(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    else if (line.startsWith('id:')) lastEventId = line.slice(3).trim();
    else if (line.startsWith('retry:')) retryMs = Number(line.slice(6).trim()) || retryMs;
  }
  if (data.length > 0) dispatch(name, data.join('\n'));
}

/** Reads the stream until it ends; returns false when the gateway requires a login (401). */
async function readStream() {
  const headers = { accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const response = await fetch('/api/v1/live', { headers: withToken(headers) });
  if (response.status === 401) return false;
  if (!response.ok || response.body === null) return true;
  setStatus(true);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return true;
    buffered += value;
    let end = buffered.indexOf('\n\n');
    while (end >= 0) {
      handleBlock(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\n\n');
    }
  }
}

async function run() {
  for (;;) {
    const again = await readStream().catch(() => true);
    setStatus(false);
    if (!again) {
      started = false;
      requireLogin();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

/** Opens the stream once; later calls do nothing until the stream stops for a login. */
export function connectLive() {
  if (started) return;
  started = true;
  run();
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
