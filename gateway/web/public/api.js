/** Calls to the gateway API. A failed call throws an Error with the envelope's `code` and message. */
import { requireLogin, withToken } from './session.js';

export class ApiRequestError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function request(method, path, body) {
  const init = { method, headers: withToken({ accept: 'application/json' }) };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => undefined);
  if (response.status === 401) requireLogin();
  if (!response.ok) {
    const error = data?.error ?? { code: 'API_INTERNAL', message: `HTTP ${response.status}` };
    throw new ApiRequestError(error.code, error.message, response.status);
  }
  return data;
}

export const api = {
  session: () => request('GET', '/api/v1/session'),
  assets: () => request('GET', '/api/v1/assets'),
  asset: (asset) => request('GET', `/api/v1/assets/${encodeURIComponent(asset)}`),
  discoveredDevices: (limit) => request('GET', `/api/v1/devices?discovered=true&limit=${limit}`),
  chart: (asset, fromMs, toMs) =>
    request('GET', `/api/v1/assets/${encodeURIComponent(asset)}/chart?from_ms=${fromMs}&to_ms=${toMs}&max_points=600`),
  alarms: (state) => request('GET', state ? `/api/v1/alarms?state=${state}` : '/api/v1/alarms'),
  // `who` may be undefined when the gateway requires a login, which records the logged-in user.
  acknowledge: (id, who, comment) =>
    request('POST', `/api/v1/alarms/${encodeURIComponent(id)}/acknowledge`, { who, comment }),
  comment: (id, who, comment) => request('POST', `/api/v1/alarms/${encodeURIComponent(id)}/comment`, { who, comment }),
  close: (id, who, correctiveAction) =>
    request('POST', `/api/v1/alarms/${encodeURIComponent(id)}/close`, { who, corrective_action: correctiveAction }),
  latestPlan: () => request('GET', '/api/v1/plans/latest'),
  comparison: (id) => request('GET', `/api/v1/plans/${encodeURIComponent(id)}/comparison`),
  runPlan: (scenario) => request('POST', '/api/v1/plans', { scenario }),
};
