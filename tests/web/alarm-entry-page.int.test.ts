import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlarmEntryGateway,
  emitAlarmEntryReadings,
  startAlarmEntryGateway,
} from '../gateway/api/alarm-entry-gateway.js';
import { launchBrowser, type TestBrowser } from './browser.js';

const ARTIFACTS = 'test-artifacts';

describe('asset page of an alarm entry', () => {
  let running: AlarmEntryGateway;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    running = await startAlarmEntryGateway();
    emitAlarmEntryReadings(running.gateway);
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('opens the compartment from its alarm', async () => {
    await page.goto(`${running.url}/#/alarms`);
    const link = page.locator('[data-testid="alarm-list"] a', { hasText: 'truck-1/front' }).first();
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe('#/asset/truck-1%2Ffront');
    await link.click();
    await page.locator('[data-testid="chart"] canvas').waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(`${running.url}/#/asset/truck-1%2Ffront`);
    expect(await page.locator('[data-testid="chart"] .error').count()).toBe(0);
    expect(await page.locator('h2').textContent()).toBe('truck-1/front');
    const mkt = await page.locator('[data-field="mkt"]').textContent();
    expect(mkt).toContain('-5.0 °C');
    const legend = await page.locator('[data-testid="chart"]').textContent();
    expect(legend).toContain('front');
    expect(legend).not.toContain('rear');
    await page.screenshot({ path: `${ARTIFACTS}/alarm-entry-compartment.png`, fullPage: true });
  });

  it('links the compartment to its truck', async () => {
    await page.goto(`${running.url}/#/asset/truck-1%2Ffront`);
    const line = page.locator('[data-field="part-of"]');
    await line.waitFor({ timeout: 15_000 });
    expect(await line.textContent()).toBe('Part of: truck-1 (compartment front)');
    expect(await line.locator('a').getAttribute('href')).toBe('#/asset/truck-1');
  });

  it('lists the compartment device', async () => {
    await page.goto(`${running.url}/#/asset/truck-1%2Ffront`);
    const row = page.locator('[data-testid="devices"] tr[data-device="truck-1"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="devices"] tbody tr').count()).toBe(1);
  });

  it('charts the room zone', async () => {
    await page.goto(`${running.url}/#/asset/room-2%2Fnorth`);
    await page.locator('[data-testid="chart"] canvas').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-field="mkt"]').textContent()).toContain('3.0 °C');
    expect(await page.locator('[data-field="part-of"]').textContent()).toBe('Part of: room-2 (device room-2-north)');
  });
});
