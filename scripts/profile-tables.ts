/**
 * Prints a Markdown table of the stored fields of every built-in profile, for docs/data-model.md.
 * Run: npx tsx scripts/profile-tables.ts
 */
import { builtInProfiles } from '../gateway/config/load.js';

interface FieldRow {
  name: string;
  type: string;
  unit: string;
  valid_min?: number | undefined;
  valid_max?: number | undefined;
  sentinels?: number[] | undefined;
}

function storedUnit(unit: string): string {
  if (unit === 'F' || unit === 'K' || unit === 'C') return '°C';
  if (unit === 'none') return '';
  return unit;
}

function row(field: FieldRow, source: string): string {
  const range =
    field.valid_min !== undefined || field.valid_max !== undefined
      ? `${field.valid_min ?? ''} to ${field.valid_max ?? ''}`
      : '';
  const sentinels = field.sentinels?.join(', ') ?? '';
  return `| \`${field.name}\` | ${field.type} | ${storedUnit(field.unit)} | ${range} | ${sentinels} | ${source} |`;
}

const out: string[] = [];
for (const [name, profile] of Object.entries(builtInProfiles()).sort(([a], [b]) => a.localeCompare(b))) {
  out.push(`#### \`${name}\` (${profile.protocol}, measurement \`${profile.measurement}\`)`, '');
  if (profile.description) out.push(`${profile.description}.`, '');
  out.push(
    '| field | type | stored unit | valid range | sentinels (device unit) | source |',
    '|---|---|---|---|---|---|',
  );
  for (const field of profile.payload?.fields ?? []) out.push(row(field, `\`${field.path}\` (${field.unit})`));
  for (const field of profile.payload?.split?.fields ?? []) {
    out.push(
      row(field, `\`${profile.payload?.split?.path}[].${field.path}\`, tag \`${profile.payload?.split?.tag_name}\``),
    );
  }
  for (const field of profile.registers ?? []) {
    out.push(
      row(
        field,
        `${field.table} ${field.address}, ${field.data_type}${field.data_type === 'bool' ? '' : ` ${field.order}`}${field.scale !== 1 ? ` × ${field.scale}` : ''}`,
      ),
    );
  }
  if (profile.payload?.sequence_path) out.push(`| \`seq\` | integer |  |  |  | \`${profile.payload.sequence_path}\` |`);
  out.push('');
}
process.stdout.write(out.join('\n'));
