import type { ResolvedConfig } from './resolve.js';

/**
 * Returns the warning for a configuration with no devices and no wildcard subscriptions, which starts
 * but receives no reading, or undefined when it has inputs. `coldpool run` logs it at start and
 * `coldpool check-config` prints it.
 */
export function noInputsWarning(
  resolved: Pick<ResolvedConfig, 'devices' | 'subscriptions'>,
  configPath: string | undefined,
): string | undefined {
  if (resolved.devices.length > 0 || resolved.subscriptions.length > 0) return undefined;
  const where = configPath ? ` in ${configPath}` : '';
  return `no devices and no mqtt.subscriptions are configured${where}, so no reading will arrive; add a devices list or mqtt.subscriptions (examples/config has samples)`;
}
