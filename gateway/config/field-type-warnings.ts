/**
 * Warnings for two mappings that write the same field of the same measurement with different types.
 * InfluxDB 1.x keeps one type per field, so it rejects the values of whichever type arrives second.
 * `coldpool check-config` prints them.
 */
import type { PayloadConfig } from './payload-schema.js';
import type { RegisterFieldConfig } from './register-schema.js';
import type { ResolvedConfig } from './resolve.js';

/** A mapping that writes typed fields to one measurement, with the name a warning gives it. */
interface FieldSource {
  label: string;
  measurement: string;
  fields: { name: string; type: string }[];
}

function mappedFields(mapping: {
  payload?: PayloadConfig | undefined;
  registers?: RegisterFieldConfig[] | undefined;
}): { name: string; type: string }[] {
  if (mapping.registers !== undefined) return mapping.registers.map(({ name, type }) => ({ name, type }));
  const payload = mapping.payload;
  if (payload === undefined) return [];
  return [...payload.fields, ...(payload.split?.fields ?? [])].map(({ name, type }) => ({ name, type }));
}

/**
 * Lists the mappings in use (devices and wildcard subscriptions, named by their profile when they take
 * the profile's mapping as it is) and every custom profile of the file, used or not.
 */
function fieldSources(resolved: Pick<ResolvedConfig, 'config' | 'devices' | 'subscriptions'>): FieldSource[] {
  const { config } = resolved;
  const sources: FieldSource[] = [];
  for (const device of resolved.devices) {
    const index = config.devices.findIndex((entry) => entry.id === device.id);
    const entry = config.devices[index];
    const ownMapping =
      entry !== undefined && (entry.protocol === 'mqtt' ? entry.payload : entry.registers) !== undefined;
    const where = `devices[${index}] (id ${device.id})`;
    const label =
      entry?.profile !== undefined && !ownMapping
        ? `profile "${entry.profile}" of ${where}`
        : `the mapping of ${where}`;
    const fields = mappedFields(
      device.protocol === 'mqtt' ? { payload: device.payload } : { registers: device.registers },
    );
    sources.push({ label, measurement: device.measurement, fields });
  }
  resolved.subscriptions.forEach((subscription, index) => {
    const profile = config.mqtt.subscriptions[index]?.profile ?? '';
    const label = `profile "${profile}" of mqtt.subscriptions[${index}] (${subscription.topic})`;
    sources.push({ label, measurement: subscription.measurement, fields: mappedFields(subscription) });
  });
  for (const [name, profile] of Object.entries(config.profiles)) {
    sources.push({ label: `profile "${name}"`, measurement: profile.measurement, fields: mappedFields(profile) });
  }
  return sources;
}

/** Returns one warning per measurement, field and pair of types that two mappings disagree on. */
export function fieldTypeConflictWarnings(
  resolved: Pick<ResolvedConfig, 'config' | 'devices' | 'subscriptions'>,
): string[] {
  /** The first mapping seen with each type, by measurement and field. */
  const firstByType = new Map<string, Map<string, string>>();
  for (const source of fieldSources(resolved)) {
    for (const field of source.fields) {
      const key = JSON.stringify([source.measurement, field.name]);
      const types = firstByType.get(key) ?? new Map<string, string>();
      if (!types.has(field.type)) types.set(field.type, source.label);
      firstByType.set(key, types);
    }
  }
  const warnings: string[] = [];
  for (const [key, types] of firstByType) {
    if (types.size < 2) continue;
    const [measurement, field] = JSON.parse(key) as [string, string];
    const [[firstType, firstLabel], ...others] = [...types] as [[string, string], ...[string, string][]];
    for (const [type, label] of others) {
      warnings.push(
        `field "${field}" of measurement "${measurement}" is type ${firstType} in ${firstLabel} but type ${type} in ${label}; ` +
          'InfluxDB 1.x keeps one type per field, so it rejects the values of the type written second ' +
          '(the gateway writes the rest of each point and keeps those values as dead letters). ' +
          'Rename the field in one mapping (its "name") or give both the same "type"',
      );
    }
  }
  return warnings;
}
