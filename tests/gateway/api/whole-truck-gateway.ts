/**
 * A gateway whose `alarms.assets` watch reefer truck-1 as a whole beside its front and rear compartments,
 * with the HTTP API and dashboard on a free port of 127.0.0.1 and its warn-level log lines collected.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';
import { freePort } from '../../harness/free-port.js';
import { TRUCK_COMPARTMENT_ASSETS } from './api-fixture.js';

export interface WholeTruckGateway {
  gateway: Gateway;
  url: string;
  /** Messages of the warn-level and higher log lines since the start. */
  warnings: string[];
  stop(): Promise<void>;
}

export async function startWholeTruckGateway(): Promise<WholeTruckGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'coldpool-whole-truck-'));
  const resolved = validateConfig({
    version: 1,
    site: 'north-hub',
    mqtt: { broker: { enabled: false } },
    http: { enabled: true, host: '127.0.0.1', port: await freePort() },
    devices: [{ id: 'truck-1', protocol: 'mqtt', topic: 'trucks/1', profile: 'coldpool-reefer' }],
    outputs: { local_store: { enabled: true, path: join(dir, 'store.db') } },
    alarms: {
      store_path: join(dir, 'records.db'),
      assets: [{ id: 'truck-1', class: 'frozen', kind: 'truck_compartment' }, ...TRUCK_COMPARTMENT_ASSETS],
    },
  });
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
  const gateway = new Gateway(resolved, logger);
  await gateway.start();
  const url = gateway.apiUrl();
  if (url === undefined) throw new Error('the whole-truck gateway started without its HTTP API');
  return {
    gateway,
    url,
    warnings,
    async stop() {
      await gateway.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
