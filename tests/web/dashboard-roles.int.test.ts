import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../gateway/security/password-hash.js';
import {
  type AlarmEntryGateway,
  emitAlarmEntryReadings,
  startAlarmEntryGateway,
} from '../gateway/api/alarm-entry-gateway.js';
import { launchBrowser, type TestBrowser } from './browser.js';

const PASSWORD = 'cold-chain-7';

describe('dashboard actions by role', () => {
  let running: AlarmEntryGateway;
  let browser: TestBrowser;

  /** Opens a new tab, which has its own sessionStorage, and logs in as `username`. */
  async function logInAs(username: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(running.url);
    await page.fill('#login-username', username);
    await page.fill('#login-password', PASSWORD);
    await page.click('form.login button');
    await page.locator('form.login').waitFor({ state: 'detached' });
    return page;
  }

  beforeAll(async () => {
    const password_hash = await hashPassword(PASSWORD, { ln: 10, r: 8, p: 1 });
    running = await startAlarmEntryGateway({
      users: [
        { username: 'vera', password_hash, role: 'viewer' },
        { username: 'otto', password_hash, role: 'operator' },
      ],
    });
    emitAlarmEntryReadings(running.gateway);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('hides alarm actions from a viewer', async () => {
    const page = await logInAs('vera');
    await page.goto(`${running.url}/#/alarms`);
    await page.locator('[data-alarm-id]').first().waitFor({ timeout: 15_000 });
    const note = page.locator('[data-field="read-only"]');
    await note.waitFor();
    expect(await note.textContent()).toContain('role viewer');
    expect(await note.textContent()).toContain('operator');
    expect(await page.locator('[data-action]').count()).toBe(0);
    expect(await page.locator('form.action').count()).toBe(0);
    expect(await page.locator('#operator').count()).toBe(0);
    await page.close();
  });

  it('disables plan runs for a viewer', async () => {
    const page = await logInAs('vera');
    await page.goto(`${running.url}/#/scheduler`);
    const note = page.locator('[data-field="read-only"]');
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toContain('role viewer');
    expect(await page.locator('#scenario').isDisabled()).toBe(true);
    expect(await page.locator('[data-action="run-plan"]').isDisabled()).toBe(true);
    await page.close();
  });

  it('offers alarm actions to an operator', async () => {
    const page = await logInAs('otto');
    await page.goto(`${running.url}/#/alarms`);
    const card = page.locator('[data-alarm-id^="truck-1/front:"]').first();
    await card.waitFor({ timeout: 15_000 });
    await card.locator('[data-action="comment"]').waitFor();
    expect(await card.locator('[data-action="acknowledge"]').count()).toBe(1);
    expect(await page.locator('[data-field="read-only"]').count()).toBe(0);
    await card.locator('[data-action-input="comment"]').fill('checked by otto');
    await card.locator('[data-action="comment"]').click();
    const entry = card.locator('.history li', { hasText: 'checked by otto' });
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await entry.textContent()).toContain('commented · otto');
    expect(await page.locator('[role="alert"]:visible').count()).toBe(0);
    await page.close();
  });

  it('enables plan runs for an operator', async () => {
    const page = await logInAs('otto');
    await page.goto(`${running.url}/#/scheduler`);
    const button = page.locator('[data-action="run-plan"]');
    await button.waitFor({ timeout: 10_000 });
    expect(await button.isDisabled()).toBe(false);
    expect(await page.locator('[data-field="read-only"]').count()).toBe(0);
    await page.close();
  });
});
