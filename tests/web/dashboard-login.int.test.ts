import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../firmware-sim/fleet.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../gateway/broker/embedded-broker.js';
import { validateConfig } from '../../gateway/config/load.js';
import { demoConfig } from '../../gateway/demo/demo-config.js';
import { Gateway } from '../../gateway/gateway.js';
import { hashPassword } from '../../gateway/security/password-hash.js';
import { launchBrowser, type TestBrowser } from './browser.js';

describe('dashboard with http auth', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  let fleet: Fleet;
  let gateway: Gateway;
  let url: string;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldpool-dashboard-login-'));
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    fleet = await startFleet({ broker_url: broker.url, interval_ms: 500, seed: 11 });
    const config = demoConfig(fleet.devices, {
      broker_url: broker.url,
      store_path: join(dir, 'store.db'),
      poll_interval_s: 0.5,
    });
    const password_hash = await hashPassword('cold-chain-7', { ln: 10, r: 8, p: 1 });
    config.http = {
      enabled: true,
      port: 0,
      auth: {
        users: [
          { username: 'vera', password_hash, role: 'viewer' },
          { username: 'otto', password_hash, role: 'operator' },
        ],
      },
    };
    gateway = new Gateway(validateConfig(config, 'dashboard-login-test'), pino({ level: 'silent' }));
    await gateway.start();
    url = gateway.apiUrl() ?? '';
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await gateway?.stop();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the API behind login', async () => {
    const response = await fetch(`${url}/api/v1/assets`);
    expect(response.status).toBe(401);
  });

  it('shows the login form first', async () => {
    await page.goto(url);
    await page.locator('form.login').waitFor();
    expect(await page.locator('[data-asset]').count()).toBe(0);
    expect(await page.locator('#live').textContent()).toBe('signed out');
  });

  it('names a wrong password', async () => {
    await page.fill('#login-username', 'vera');
    await page.fill('#login-password', 'wrong');
    await page.click('form.login button');
    await page.getByText('Wrong user name or password.').waitFor();
    expect(await page.locator('form.login').count()).toBe(1);
  });

  it('shows devices after login', async () => {
    await page.fill('#login-password', 'cold-chain-7');
    await page.click('form.login button');
    for (const device of fleet.devices) await page.locator(`[data-asset="${device.id}"]`).waitFor();
    await page.locator('.live.on').waitFor();
    expect(await page.locator('form.login').count()).toBe(0);
  });

  it('keeps the session on reload', async () => {
    await page.reload();
    await page.locator(`[data-asset="${fleet.devices[0]?.id}"]`).waitFor();
    expect(await page.locator('form.login').count()).toBe(0);
  });

  it('labels the name as a claim', async () => {
    // With a login the gateway records the logged-in user, so the typed name is only "on behalf of".
    // A new tab has its own sessionStorage, so it logs in as the operator otto.
    const operatorPage = await browser.context.newPage();
    await operatorPage.goto(url);
    await operatorPage.fill('#login-username', 'otto');
    await operatorPage.fill('#login-password', 'cold-chain-7');
    await operatorPage.click('form.login button');
    await operatorPage.locator('form.login').waitFor({ state: 'detached' });
    await operatorPage.goto(`${url}/#/alarms`);
    await operatorPage.locator('#operator').waitFor();
    expect(await operatorPage.locator('label[for="operator"]').textContent()).toBe('On behalf of (optional)');
    expect(await operatorPage.locator('#operator').getAttribute('title')).toContain('records the logged-in user');
    await operatorPage.close();
  });

  it('hides the name field from a viewer', async () => {
    await page.goto(`${url}/#/alarms`);
    await page.locator('[data-field="read-only"]').waitFor();
    expect(await page.locator('#operator').count()).toBe(0);
  });
});
