/**
 * Webhook delivery: an HTTP POST of JSON, signed with HMAC-SHA256 when a key is configured, retried with
 * capped exponential backoff on network errors, timeouts, 429 and 5xx responses.
 */
import { createHmac } from 'node:crypto';
import { retryDelay } from '../outputs/retry-backoff.js';
import { redactUrlText } from '../secrets.js';
import type { WebhookConfig } from './notify-schema.js';

/** Header with the signature: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`. */
export const SIGNATURE_HEADER = 'x-coldpool-signature';
/** Header with the send time in integer milliseconds; it is part of the signed text, against replays. */
export const TIMESTAMP_HEADER = 'x-coldpool-timestamp';

/**
 * Raised when every attempt failed, or at once on a rejected request. `attempts` counts the attempts, and
 * the message names the last failure.
 */
export class WebhookError extends Error {
  readonly code = 'WEBHOOK_DELIVERY_FAILED';

  constructor(
    readonly url: string,
    readonly attempts: number,
    reason: string,
    /** False for a 4xx response other than 429, which sending the same request again cannot fix. */
    readonly retryable = true,
  ) {
    super(`webhook ${redactUrlText(url)} failed after ${attempts} attempts: ${reason}; check the receiver and its URL`);
    this.name = 'WebhookError';
  }
}

/** Computes the signature header value for a body sent at `timestamp_ms`. */
export function signWebhook(secret: string, timestamp_ms: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp_ms}.${body}`).digest('hex')}`;
}

export interface WebhookSendOptions {
  /** HMAC key; without it no signature header is sent. */
  secret?: string;
  /** Waits between attempts; tests pass a shorter one. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
}

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

async function attemptOnce(webhook: WebhookConfig, body: string, options: WebhookSendOptions): Promise<number> {
  const timestamp = (options.clock ?? Date.now)();
  const headers: Record<string, string> = { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp) };
  if (options.secret) headers[SIGNATURE_HEADER] = signWebhook(options.secret, timestamp, body);
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(webhook.timeout_s * 1000),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Posts `body` and returns the number of attempts it took. Throws a WebhookError after `max_attempts`,
 * or at once on a 4xx other than 429, which a retry cannot fix.
 */
export async function sendWebhook(webhook: WebhookConfig, body: string, options: WebhookSendOptions = {}) {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let reason = '';
  for (let attempt = 1; attempt <= webhook.max_attempts; attempt++) {
    if (attempt > 1) await sleep(retryDelay(attempt - 1, { initial_ms: webhook.retry_initial_ms, max_ms: 60_000 }));
    try {
      const status = await attemptOnce(webhook, body, options);
      if (status >= 200 && status < 300) return attempt;
      reason = `HTTP ${status}`;
      if (!isRetryable(status)) throw new WebhookError(webhook.url, attempt, reason, false);
    } catch (error) {
      if (error instanceof WebhookError) throw error;
      reason = (error as Error).message;
    }
  }
  throw new WebhookError(webhook.url, webhook.max_attempts, reason);
}
