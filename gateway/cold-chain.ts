import type { Logger } from 'pino';
import { ColdChainMonitor } from './alarms/cold-chain-monitor.js';
import type { ConfiguredDevice } from './alarms/offline-watch.js';
import { maskConfigSecrets } from './config/mask-secrets.js';
import type { GatewayConfig } from './config/schema.js';
import { stateFileSetting } from './config/state-file-setting.js';
import type { ControlClient } from './control-client.js';
import type { EventBus } from './events.js';
import { createStoreDirectory } from './store-directory.js';

/** Topic on which operators send alarm commands (acknowledge, comment, close) as JSON. */
export const ALARM_COMMAND_TOPIC = 'coldpool/commands/alarms';

/** Returns the configuration as the audit trail records it, with every credential masked by `maskConfigSecrets`. */
export function auditedConfig(config: GatewayConfig): unknown {
  return maskConfigSecrets(config);
}

/** Returns each configured device with the `site` and `asset` tags its readings carry. */
export function configuredDevices(config: GatewayConfig): ConfiguredDevice[] {
  return config.devices.map((device) => ({
    id: device.id,
    site: device.site ?? config.site,
    asset: device.asset ?? device.id,
  }));
}

/**
 * Starts cold-chain monitoring (alarms, records, calibration reminders) on the bus. Notifications go out
 * through the control client when there is one, and operator commands come in on `ALARM_COMMAND_TOPIC`.
 */
export async function startColdChain(
  config: GatewayConfig,
  bus: EventBus,
  log: Logger,
  control: ControlClient | undefined,
  clock?: () => number,
): Promise<ColdChainMonitor> {
  createStoreDirectory(config.alarms.store_path, stateFileSetting(config, 'alarms'));
  const monitor = new ColdChainMonitor({
    config: config.alarms,
    bus,
    logger: log.child({ component: 'alarms' }),
    ...(control ? { publish: (topic: string, payload: string) => control.publish(topic, payload) } : {}),
    ...(clock ? { clock } : {}),
    devices: configuredDevices(config),
    audited_config: auditedConfig(config),
  });
  monitor.start();
  await control?.subscribe(ALARM_COMMAND_TOPIC, (payload) => {
    const alarm = monitor.handleCommand(payload);
    if (alarm) log.info({ alarm_id: alarm.id, active: alarm.active }, 'alarm command applied');
  });
  return monitor;
}
