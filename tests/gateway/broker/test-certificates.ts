/** Creates a throwaway CA, a broker certificate for 127.0.0.1 and client certificates with openssl. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  ca_file: string;
  cert_file: string;
  key_file: string;
  /** Client certificate and key PEM text of `cn`, signed by the CA. */
  client(cn: string): { cert: Buffer; key: Buffer };
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function signed(dir: string, name: string, subject: string, extensions?: string): void {
  openssl(
    dir,
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`].concat([
      '-subj',
      subject,
      '-out',
      `${name}.csr`,
    ]),
  );
  const sign = ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
    '-days',
    '1',
    '-out',
    `${name}.crt`,
  ]);
  if (extensions !== undefined) {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    sign.push('-extfile', `${name}.ext`);
  }
  openssl(dir, sign);
}

export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-tls-'));
  openssl(
    dir,
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=coldpool test CA',
    ]),
  );
  signed(dir, 'broker', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\n');
  return {
    dir,
    ca_file: join(dir, 'ca.crt'),
    cert_file: join(dir, 'broker.crt'),
    key_file: join(dir, 'broker.key'),
    client(cn) {
      const name = `client-${cn.replace(/[^a-z0-9-]/gi, '_')}`;
      signed(dir, name, `/CN=${cn}`);
      return { cert: readFileSync(join(dir, `${name}.crt`)), key: readFileSync(join(dir, `${name}.key`)) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
