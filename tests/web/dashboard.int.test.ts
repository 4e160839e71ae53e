import { mkdirSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../gateway/api/services.js';
import { launchBrowser, type TestBrowser } from './browser.js';
import { type DashboardGateway, DISCOVERY_FILTER, startDashboardGateway } from './dashboard-gateway.js';

const ARTIFACTS = 'test-artifacts';

interface ChartBody {
  periods: { defrost: Array<{ from_ms: number; to_ms: number }>; door_open: Array<{ from_ms: number; to_ms: number }> };
}
const MINUTE_MS = 60_000;

/**
 * Emits 50 minutes of past ctrl-1 readings on the gateway bus, one every 30 s, so the chart has a history.
 * A defrost from minute 20 to 30 warms the room, and the door is open from minute 40 to 43.
 */
function emitPastReadings(running: DashboardGateway): { defrostFromMs: number } {
  const startMs = Math.floor((Date.now() - 55 * MINUTE_MS) / 1000) * 1000;
  for (let i = 0; i <= 100; i++) {
    const minute = i / 2;
    const defrost = minute >= 20 && minute < 30;
    const door = minute >= 40 && minute < 43;
    const air = 2 + 0.6 * Math.sin(minute / 3) + (defrost ? (minute - 20) * 0.5 : 0) + (door ? 1.5 : 0);
    running.gateway.bus.emit('reading', {
      measurement: 'cold_room',
      tags: { site: 'demo-county', asset: 'ctrl-1', device: 'ctrl-1' },
      fields: { air_temp_c: Math.round(air * 10) / 10, defrost_on: defrost, door_open: door },
      integer_fields: new Set(),
      time_ms: startMs + i * 30_000,
      time_source: 'source',
    });
  }
  return { defrostFromMs: startMs + 20 * MINUTE_MS };
}

describe('dashboard', () => {
  let running: DashboardGateway;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    running = await startDashboardGateway();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('shows every simulated device on the overview', async () => {
    await page.goto(running.url);
    for (const device of running.fleet.devices) {
      await page.locator(`[data-asset="${device.id}"]`).waitFor();
    }
    expect(await page.locator('[data-asset]').count()).toBe(running.fleet.devices.length);
  });

  it('fills every tile with a temperature from live readings', async () => {
    await page.goto(running.url);
    const deadline = Date.now() + 20_000;
    let missing: string[] = running.fleet.devices.map((device) => device.id);
    while (missing.length > 0 && Date.now() < deadline) {
      const next: string[] = [];
      for (const id of missing) {
        const text = await page
          .locator(`[data-asset="${id}"] [data-field="temperature"]`)
          .textContent({ timeout: 1000 })
          .catch(() => null);
        if (!text?.includes('°C')) next.push(id);
      }
      missing = next;
      if (missing.length > 0) await page.waitForTimeout(500);
    }
    expect(missing).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/overview.png`, fullPage: true });
  });

  it('shows the alarm level on the tile', async () => {
    running.alarms.raise({
      id: 'tile-alarm',
      site: 'demo-county',
      asset: 'room-1',
      level: 'critical',
      kind: 'high_temp',
      message: 'air 9.4 °C above 8 °C',
      raised_ms: Date.now(),
    });
    await page.goto(running.url);
    await expect
      .poll(() => page.locator('[data-asset="room-1"] [data-field="alarm"]').getAttribute('data-level'), {
        timeout: 10_000,
      })
      .toBe('critical');
    running.alarms.close('tile-alarm', { who: 'test' }, 'cleared for the next tests');
  });

  it('draws the temperature chart of an asset', async () => {
    const { defrostFromMs } = emitPastReadings(running);
    const chart = (await (await fetch(`${running.url}/api/v1/assets/ctrl-1/chart`)).json()) as ChartBody;
    expect(chart.periods.defrost[0]?.from_ms).toBe(defrostFromMs);
    expect(chart.periods.door_open).toHaveLength(1);
    await page.goto(`${running.url}/#/asset/ctrl-1`);
    await page.locator('[data-testid="chart"] canvas').waitFor({ timeout: 15_000 });
    const mkt = await page.locator('[data-field="mkt"]').textContent();
    expect(mkt).toMatch(/-?\d+\.\d °C/);
    await page.screenshot({ path: `${ARTIFACTS}/asset.png`, fullPage: true });
  });

  it('shows mkt and limits per compartment', async () => {
    await page.goto(`${running.url}/#/asset/truck-1`);
    const front = page.locator('[data-field="group-mkt"][data-group="front"]');
    const rear = page.locator('[data-field="group-mkt"][data-group="rear"]');
    await front.waitFor({ timeout: 15_000 });
    expect(await front.textContent()).toContain('Limits: ≤ -18 °C');
    expect(await rear.textContent()).toContain('Limits: ≥ 2 °C, ≤ 8 °C');
    await expect.poll(() => front.textContent(), { timeout: 15_000 }).toMatch(/temperature: -\d+\.\d °C/);
    await expect.poll(() => rear.textContent(), { timeout: 15_000 }).toMatch(/temperature: \d+\.\d °C/);
    expect(await page.locator('[data-field="mkt"]').count()).toBe(0);
    await page.locator('[data-testid="chart"] canvas').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${ARTIFACTS}/truck.png`, fullPage: true });
  });

  it('shows field errors per device', async () => {
    const fieldError = {
      device_id: 'ctrl-1',
      field: 'air_temp_c',
      code: 'FIELD_NOT_NUMBER',
      message: 'air_temp_c: expected a finite number, got "Infinity"',
    };
    running.gateway.bus.emit('field_error', fieldError);
    running.gateway.bus.emit('field_error', fieldError);
    await page.goto(`${running.url}/#/asset/ctrl-1`);
    const badge = page.locator('[data-device="ctrl-1"] [data-field="field_errors"]');
    await expect.poll(() => badge.getAttribute('data-count'), { timeout: 10_000 }).toBe('2');
    expect(await badge.textContent()).toBe('2');
    expect(await badge.getAttribute('class')).toContain('level-warning');
    expect(await badge.getAttribute('title')).toContain('FIELD_NOT_NUMBER');
    await page.screenshot({ path: `${ARTIFACTS}/asset-devices.png`, fullPage: true });
  });

  it('shows timestamp collisions per device', async () => {
    const collision = { device_id: 'ctrl-1', measurement: 'cold_room', time_ms: Date.now(), field: 'air_temp_c' };
    running.gateway.bus.emit('timestamp_collision', collision);
    running.gateway.bus.emit('timestamp_collision', collision);
    // The previous test left the page on this asset, and the live feed sends no collision event.
    await page.goto(`${running.url}/#/asset/ctrl-1`);
    await page.reload();
    const badge = page.locator('[data-device="ctrl-1"] [data-field="timestamp_collisions"]');
    await expect.poll(() => badge.getAttribute('data-count'), { timeout: 10_000 }).toBe('2');
    expect(await badge.textContent()).toBe('2');
    expect(await badge.getAttribute('class')).toContain('level-warning');
    expect(await badge.getAttribute('title')).toContain('overwrote earlier ones');
    expect(await page.locator('th').allTextContents()).toContain('Overwritten readings');
  });

  it('updates field errors from the live feed', async () => {
    await page.goto(`${running.url}/#/asset/ctrl-1`);
    const badge = page.locator('[data-device="ctrl-1"] [data-field="field_errors"]');
    await badge.waitFor({ timeout: 10_000 });
    const before = Number(await badge.getAttribute('data-count'));
    running.gateway.bus.emit('field_error', {
      device_id: 'ctrl-1',
      field: 'door_open',
      code: 'FIELD_NOT_BOOLEAN',
      message: 'door_open: expected a boolean, got {}',
    });
    await expect.poll(() => badge.getAttribute('data-count'), { timeout: 10_000 }).toBe(String(before + 1));
    expect(await badge.getAttribute('title')).toContain('FIELD_NOT_BOOLEAN');
  });

  it('lists a discovered device whose fields all fail', async () => {
    const client = await connectAsync(running.broker_url, { clientId: 'dashboard-discovered-test' });
    try {
      // The fahrenheit dialect under the subscription's celsius profile: no field of the profile is sent.
      const payload = JSON.stringify({
        time: new Date().toISOString(),
        temperature_f: 38.3,
        humidity: 81,
        door: false,
      });
      await client.publishAsync('wild/rooms/room-x/state', payload, { qos: 1 });
      await client.publishAsync('wild/rooms/room-x/state', payload, { qos: 1 });
    } finally {
      await client.endAsync();
    }
    await page.goto(running.url);
    const row = page.locator('[data-testid="discovered"] [data-device="room-x"]');
    const badge = row.locator('[data-field="field_errors"]');
    await expect.poll(() => badge.getAttribute('data-count'), { timeout: 10_000 }).not.toBe(null);
    expect(Number(await badge.getAttribute('data-count'))).toBeGreaterThan(0);
    expect(await badge.getAttribute('class')).toContain('level-warning');
    expect(await row.textContent()).toContain(DISCOVERY_FILTER);
    const health = row.locator('[data-field="health"]');
    expect(await health.getAttribute('data-state')).toBe('payload_errors');
    expect(await health.textContent()).toContain('Sending, every payload rejected');
    const payloadError = health.locator('[data-field="last_payload_error"]');
    expect(await payloadError.textContent()).toMatch(/^Last rejected .+: FIELD_MISSING: /);
    expect(Number(await payloadError.getAttribute('data-time-ms'))).toBeGreaterThan(Date.now() - MINUTE_MS);
    expect(await row.locator('[data-field="last_problem"]').textContent()).toMatch(/^FIELD_MISSING: /);
    await page.screenshot({ path: `${ARTIFACTS}/overview-discovered.png`, fullPage: true });
  });

  it('shows a discovered device as up after a valid reading', async () => {
    const client = await connectAsync(running.broker_url, { clientId: 'dashboard-recovered-test' });
    try {
      const payload = JSON.stringify({ seq: 1, ts: Date.now(), temp_c: 3.1, rh_pct: 80, door_open: false });
      await client.publishAsync('wild/rooms/room-x/state', payload, { qos: 1 });
    } finally {
      await client.endAsync();
    }
    await page.goto(running.url);
    const health = page.locator('[data-testid="discovered"] [data-device="room-x"] [data-field="health"]');
    await expect.poll(() => health.getAttribute('data-state'), { timeout: 10_000 }).toBe('up');
    expect(await health.textContent()).toBe('Up');
    expect(await health.locator('[data-field="last_payload_error"]').count()).toBe(0);
  });

  it('shows no highlight without field errors', async () => {
    await page.goto(`${running.url}/#/asset/room-1`);
    const badge = page.locator('[data-device="room-1"] [data-field="field_errors"]');
    await badge.waitFor({ timeout: 10_000 });
    expect(await badge.getAttribute('data-count')).toBe('0');
    expect(await badge.getAttribute('class')).not.toContain('level-warning');
    expect(await page.locator('[data-device="room-1"] [data-field="health"]').getAttribute('data-state')).toBe('up');
    expect(await page.locator('[data-device="room-1"] [data-field="timestamp_collisions"]').count()).toBe(0);
  });

  it('acknowledges an alarm through the page', async () => {
    running.alarms.raise({
      id: 'door-1',
      site: 'demo-county',
      asset: 'room-2',
      level: 'warning',
      kind: 'door_open_too_long',
      message: 'door open for 6 min, limit 5 min',
      raised_ms: Date.now(),
    });
    await page.goto(`${running.url}/#/alarms`);
    await page.locator('#operator').fill('Wang Fang');
    const card = page.locator('[data-alarm-id="door-1"]');
    await card.locator('[data-action-input="acknowledge"]').fill('closed the door, checked the seal');
    await page.screenshot({ path: `${ARTIFACTS}/alarms.png`, fullPage: true });
    await card.locator('[data-action="acknowledge"]').click();
    await expect
      .poll(async () => ((await (await fetch(`${running.url}/api/v1/alarms/door-1`)).json()) as Alarm).state, {
        timeout: 10_000,
      })
      .toBe('acknowledged');
    const alarm = (await (await fetch(`${running.url}/api/v1/alarms/door-1`)).json()) as Alarm;
    expect(alarm.history.at(-1)).toMatchObject({ who: 'Wang Fang', comment: 'closed the door, checked the seal' });
  });

  it('closes an alarm with a corrective action', async () => {
    await page.goto(`${running.url}/#/alarms`);
    const card = page.locator('[data-alarm-id="door-1"]');
    await card.locator('[data-action-input="close"]').fill('replaced the door gasket');
    await card.locator('[data-action="close"]').click();
    await expect
      .poll(async () => ((await (await fetch(`${running.url}/api/v1/alarms/door-1`)).json()) as Alarm).state, {
        timeout: 10_000,
      })
      .toBe('closed');
  });

  it('comments on a closed alarm', async () => {
    await page.goto(`${running.url}/#/alarms`);
    await page.selectOption('#alarm-filter', 'all');
    const card = page.locator('[data-alarm-id="door-1"][data-state="closed"]');
    await card.locator('[data-action-input="comment"]').fill('gasket order confirmed');
    await card.locator('[data-action="comment"]').click();
    await card.locator('.history li', { hasText: 'gasket order confirmed' }).waitFor({ state: 'visible' });
    const alarm = (await (await fetch(`${running.url}/api/v1/alarms/door-1`)).json()) as Alarm;
    expect(alarm.state).toBe('closed');
    expect(alarm.history.at(-1)).toMatchObject({ action: 'commented', comment: 'gasket order confirmed' });
  });

  it('shows the plan and the comparison', async () => {
    running.plans.run('night');
    await page.goto(`${running.url}/#/scheduler`);
    await page.locator('[data-testid="comparison"]').waitFor();
    expect(await page.locator('[data-truck]').count()).toBe(2);
    expect(await page.locator('[data-testid="comparison"] [data-row="trips"] td').allTextContents()).toEqual([
      '2',
      '4',
      '2',
    ]);
    expect(await page.locator('[data-testid="unserved"]').textContent()).toContain('order-4');
    const pickup = page.locator('[data-truck="truck-1"] tbody tr').nth(1).locator('td');
    expect((await pickup.allTextContents()).slice(0, 3)).toEqual(['22:20', '22:30', '22:35']);
    await page.screenshot({ path: `${ARTIFACTS}/scheduler.png`, fullPage: true });
  });

  it('switches the language to chinese', async () => {
    await page.goto(`${running.url}/#/scheduler`);
    await page.locator('#language').selectOption('zh');
    expect(await page.locator('[data-nav="overview"]').textContent()).toBe('总览');
    await page.locator('[data-testid="comparison"]').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/scheduler-zh.png`, fullPage: true });
    await page.locator('#language').selectOption('en');
  });

  it('fits the overview on a phone screen', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(running.url);
    await phone.locator('[data-asset="truck-1"]').waitFor();
    const overflow = await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${ARTIFACTS}/overview-phone.png`, fullPage: true });
    await phone.goto(`${running.url}/#/scheduler`);
    await phone.locator('[data-testid="comparison"]').waitFor();
    await phone.screenshot({ path: `${ARTIFACTS}/scheduler-phone.png`, fullPage: true });
    await phone.close();
  });

  it('has every string in both languages', async () => {
    // A string expression, so that Vite leaves the browser-side import alone.
    const missing = await page.evaluate("import('/i18n.js').then((module) => module.missingTranslations())");
    expect(missing).toEqual([]);
  });
});
