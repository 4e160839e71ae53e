import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../../gateway/api/server.js';
import { type ApiFixture, createApiFixture } from '../api/api-fixture.js';
import { runCli } from './run-cli.js';

/** Device ids of the printed table, in order, without the header row. */
function deviceColumn(stdout: string): string[] {
  const table = stdout.split('\n\n')[0] ?? '';
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0] ?? '');
}

// The fixture configures three devices: room-1, truck-1 and ctrl-1, in that order.
describe('coldpool status paging', () => {
  let fixture: ApiFixture;
  let url: string;

  beforeAll(async () => {
    fixture = await createApiFixture();
    url = await startApiServer(fixture.app, { port: 0 });
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('prints the whole list without a note', async () => {
    const result = await runCli(['status', '--url', url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(deviceColumn(result.stdout)).toEqual(['room-1', 'truck-1', 'ctrl-1']);
    expect(result.stdout).not.toContain('devices shown');
  });

  it('names the next offset when cut', async () => {
    const result = await runCli(['status', '--url', url, '--limit', '2']);
    expect(result.code).toBe(0);
    expect(deviceColumn(result.stdout)).toEqual(['room-1', 'truck-1']);
    expect(result.stdout).toContain('2 of 3 devices shown (1 to 2); --offset 2 shows the next ones');
  });

  it('prints the page at an offset', async () => {
    const result = await runCli(['status', '--url', url, '--offset', '1', '--limit', '1']);
    expect(result.code).toBe(0);
    expect(deviceColumn(result.stdout)).toEqual(['truck-1']);
    expect(result.stdout).toContain('1 of 3 devices shown (2 to 2); --offset 2 shows the next ones');
  });

  it('points back from the last page', async () => {
    const result = await runCli(['status', '--url', url, '--offset', '2']);
    expect(result.code).toBe(0);
    expect(deviceColumn(result.stdout)).toEqual(['ctrl-1']);
    expect(result.stdout).toContain('1 of 3 devices shown (3 to 3); --offset 0 shows the first ones');
  });

  it('says when the offset is past the end', async () => {
    const result = await runCli(['status', '--url', url, '--offset', '7']);
    expect(result.code).toBe(0);
    expect(deviceColumn(result.stdout)).toEqual([]);
    expect(result.stdout).toContain(
      '0 of 3 devices shown, because the list ends before --offset 7; --offset 0 shows the first ones',
    );
  });

  it('prints the offset in json', async () => {
    const result = await runCli(['status', '--url', url, '--json', '--offset', '1', '--limit', '1']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as { devices: Array<{ id: string }>; devices_offset: number };
    expect(status.devices.map((device) => device.id)).toEqual(['truck-1']);
    expect(status.devices_offset).toBe(1);
  });

  it.each([
    [['--limit', '0'], '--limit 0 is invalid, give a whole number from 1 to 10000'],
    [['--limit', '10001'], '--limit 10001 is invalid, give a whole number from 1 to 10000'],
    [['--limit', '2.5'], '--limit 2.5 is invalid, give a whole number from 1 to 10000'],
    [['--offset', '-1'], '--offset -1 is invalid, give a whole number from 0 to 9007199254740991'],
    [['--offset', 'ten'], '--offset ten is invalid, give a whole number from 0 to 9007199254740991'],
  ])('rejects %j', async (args, message) => {
    const result = await runCli(['status', '--url', url, ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`coldpool: ${message}`);
    expect(result.stdout).toBe('');
  });
});
