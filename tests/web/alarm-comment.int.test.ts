import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../gateway/api/services.js';
import {
  type AlarmEntryGateway,
  emitAlarmEntryReadings,
  startAlarmEntryGateway,
} from '../gateway/api/alarm-entry-gateway.js';
import { launchBrowser, type TestBrowser } from './browser.js';

/** Fetches one alarm through the API, with its id URL-encoded. */
async function fetchAlarm(url: string, id: string): Promise<Alarm> {
  const response = await fetch(`${url}/api/v1/alarms/${encodeURIComponent(id)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Alarm;
}

describe('alarm comments on the alarms page', () => {
  let running: AlarmEntryGateway;
  let browser: TestBrowser;
  let page: Page;
  let card: Locator;
  let alarmId: string;

  beforeAll(async () => {
    running = await startAlarmEntryGateway();
    emitAlarmEntryReadings(running.gateway);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(`${running.url}/#/alarms`);
    await page.locator('#operator').fill('Li Wei');
    card = page.locator('[data-alarm-id^="truck-1/front:"]').first();
    await card.waitFor({ timeout: 15_000 });
    alarmId = (await card.getAttribute('data-alarm-id')) ?? '';
    card = page.locator(`[data-alarm-id="${alarmId}"]`);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('comments on an open alarm', async () => {
    expect(alarmId).toContain('/');
    await card.locator('[data-action-input="comment"]').fill('checking the front door seal');
    await card.locator('[data-action="comment"]').click();
    const entry = card.locator('.history li', { hasText: 'checking the front door seal' });
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await entry.textContent()).toContain('commented · Li Wei');
    const alarm = await fetchAlarm(running.url, alarmId);
    expect(alarm.state).toBe('active');
    expect(alarm.history.at(-1)).toMatchObject({
      action: 'commented',
      who: 'Li Wei',
      comment: 'checking the front door seal',
    });
  });

  it('acknowledges an id with a slash', async () => {
    await card.locator('[data-action-input="acknowledge"]').fill('driver called');
    await card.locator('[data-action="acknowledge"]').click();
    await expect
      .poll(async () => (await fetchAlarm(running.url, alarmId)).state, { timeout: 10_000 })
      .toBe('acknowledged');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('acknowledged');
  });

  it('comments on an acknowledged alarm', async () => {
    await card.locator('[data-action-input="comment"]').fill('door seal replaced');
    await card.locator('[data-action="comment"]').click();
    const entry = card.locator('.history li', { hasText: 'door seal replaced' });
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    const alarm = await fetchAlarm(running.url, alarmId);
    expect(alarm.state).toBe('acknowledged');
    expect(alarm.history.at(-1)).toMatchObject({ action: 'commented', comment: 'door seal replaced' });
    expect(await page.locator('[role="alert"]:visible').count()).toBe(0);
  });

  it('offers the comment in Chinese', async () => {
    await page.selectOption('#language', 'zh');
    await page.goto(`${running.url}/#/alarms`);
    const button = page.locator(`[data-alarm-id="${alarmId}"] [data-action="comment"]`);
    await button.waitFor({ timeout: 10_000 });
    expect(await button.textContent()).toBe('添加备注');
    await page.selectOption('#language', 'en');
  });
});
