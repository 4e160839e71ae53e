import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { truckReading } from '../gateway/api/api-fixture.js';
import { startWholeTruckGateway, type WholeTruckGateway } from '../gateway/api/whole-truck-gateway.js';
import { launchBrowser, type TestBrowser } from './browser.js';

const ARTIFACTS = 'test-artifacts';

describe('asset page of a whole-truck entry', () => {
  let running: WholeTruckGateway;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    running = await startWholeTruckGateway();
    const from = Date.now() - 10 * 60_000;
    for (let i = 0; i < 20; i++) {
      running.gateway.bus.emit('reading', truckReading(from + i * 30_000, 'front', -19));
      running.gateway.bus.emit('reading', truckReading(from + i * 30_000, 'rear', 4));
    }
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('explains the empty whole-truck group', async () => {
    await page.goto(`${running.url}/#/asset/truck-1`);
    const line = page.locator('[data-field="group-whole-truck"][data-group="truck-1"]');
    await line.waitFor({ timeout: 15_000 });
    const text = await line.textContent();
    expect(text).toContain('truck-1: no readings of its own');
    expect(text).toContain('(truck-1/front, truck-1/rear)');
    expect(text).toContain('Remove the truck-1 entry, or set its match.compartment');
    await page.locator('[data-testid="chart"] canvas').waitFor({ timeout: 15_000 });
    const summary = await page.locator('.summary').textContent();
    expect(summary).not.toContain('no data in this window');
    await page.screenshot({ path: `${ARTIFACTS}/whole-truck.png`, fullPage: true });
  });

  it('keeps the compartment groups', async () => {
    await page.goto(`${running.url}/#/asset/truck-1`);
    const front = page.locator('[data-field="group-mkt"][data-group="front"]');
    const rear = page.locator('[data-field="group-mkt"][data-group="rear"]');
    await front.waitFor({ timeout: 15_000 });
    expect(await front.textContent()).toContain('temperature: -19.0 °C');
    expect(await rear.textContent()).toContain('temperature: 4.0 °C');
    expect(await page.locator('[data-field="group-mkt"]').count()).toBe(2);
  });

  it('draws no limits of the whole truck', async () => {
    await page.goto(`${running.url}/#/asset/truck-1`);
    await page.locator('[data-testid="chart"] canvas').waitFor({ timeout: 15_000 });
    const legend = await page.locator('[data-testid="chart"]').textContent();
    expect(legend).toContain('front Limits -18 °C');
    expect(legend).not.toContain('truck-1 Limits');
  });
});
