import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFileWarnings } from '../../gateway/security/config-file-warnings.js';

const dir = mkdtempSync(join(tmpdir(), 'coldpool-perm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(mode: number): string {
  const path = join(dir, `config-${mode.toString(8)}.yaml`);
  writeFileSync(path, 'site: depot\n');
  chmodSync(path, mode);
  return path;
}

describe.skipIf(process.platform === 'win32')('configFileWarnings', () => {
  it('accepts mode 600', () => {
    expect(configFileWarnings(file(0o600))).toEqual([]);
  });

  it('accepts mode 400', () => {
    expect(configFileWarnings(file(0o400))).toEqual([]);
  });

  it('warns for mode 644', () => {
    expect(configFileWarnings(file(0o644))).toHaveLength(1);
  });

  it('names the mode and the fix', () => {
    const path = file(0o640);
    expect(configFileWarnings(path)[0]).toContain(`(mode 640) and may contain credentials; run chmod 600 ${path}`);
  });

  it('warns twice for mode 666', () => {
    expect(configFileWarnings(file(0o666))).toHaveLength(2);
  });

  it('warns for group write', () => {
    expect(configFileWarnings(file(0o620))[0]).toContain('writable by group or others');
  });

  it('names the file kind', () => {
    expect(configFileWarnings(file(0o604), 'mqtt.broker.tls.key_file')[0]).toMatch(/^mqtt\.broker\.tls\.key_file /);
  });

  it('ignores a missing file', () => {
    expect(configFileWarnings(join(dir, 'missing.yaml'))).toEqual([]);
  });
});
