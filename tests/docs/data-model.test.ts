import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtInProfiles } from '../../gateway/config/load.js';

const dataModel = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');

describe('data model doc', () => {
  it('lists every built-in profile', () => {
    for (const name of Object.keys(builtInProfiles())) expect(dataModel, name).toContain(`#### \`${name}\``);
  });

  it('lists every profile field', () => {
    for (const [name, profile] of Object.entries(builtInProfiles())) {
      const fields = [
        ...(profile.payload?.fields ?? []),
        ...(profile.payload?.split?.fields ?? []),
        ...(profile.registers ?? []),
      ];
      const section = dataModel.slice(dataModel.indexOf(`#### \`${name}\``));
      for (const field of fields) expect(section, `${name}.${field.name}`).toContain(`| \`${field.name}\` |`);
    }
  });

  it('lists the health series', () => {
    expect(dataModel).toContain('`device_health`');
  });
});
