import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDecodeCommand } from '../../../gateway/cli/commands/decode.js';

async function runDecode(...args: string[]): Promise<string> {
  let text = '';
  const program = new Command().exitOverride();
  registerDecodeCommand(program, { write: (chunk: string) => (text += chunk) });
  await program.parseAsync(['decode', ...args], { from: 'user' });
  return text;
}

describe('decode command', () => {
  it('int16 AB FFEC prints -20', async () => {
    expect(await runDecode('--type', 'int16', '--order', 'AB', 'FFEC')).toBe('-20\n');
  });

  it('float32 CDAB prints 77.51', async () => {
    expect(await runDecode('--type', 'float32', '--order', 'CDAB', '077A', '429B')).toBe('77.51460266113281\n');
  });

  it('accepts 0x prefix and lowercase', async () => {
    expect(await runDecode('--type', 'uint16', '0xffec')).toBe('65516\n');
  });

  it('applies scale after sign', async () => {
    expect(await runDecode('--type', 'int16', '--scale', '0.01', 'FFF6')).toBe('-0.1\n');
  });

  it('prints scaled values without binary noise', async () => {
    expect(await runDecode('--type', 'int16', '--scale', '0.1', '7FFF')).toBe('3276.7\n');
    expect(await runDecode('--type', 'int16', '--scale', '0.1', '0006')).toBe('0.6\n');
  });

  it('prints 64-bit beyond safe range exactly', async () => {
    expect(await runDecode('--type', 'uint64', '--order', 'DCBA', '077A', '429B', 'FFEC', '0183')).toBe(
      '9440086876510910983\n',
    );
  });

  it('order all prints every order', async () => {
    const lines = (await runDecode('--type', 'float32', '--order', 'all', '077A', '429B')).trimEnd().split('\n');
    expect(lines).toEqual([
      'order  bytes     value',
      'ABCD   077A429B  1.8827483201218974e-34',
      'CDAB   429B077A  77.51460266113281',
      'BADC   7A079B42  1.7602726961237342e+35',
      'DCBA   9B427A07  -1.6086733044837856e-22',
    ]);
  });

  it('order all for int16 prints AB and BA', async () => {
    const lines = (await runDecode('--type', 'int16', '--order', 'all', 'FFEC')).trimEnd().split('\n');
    expect(lines).toEqual(['order  bytes  value', 'AB     FFEC   -20', 'BA     ECFF   -4865']);
  });

  it('bool reads requested bit', async () => {
    expect(await runDecode('--type', 'bool', '--bit', '2', '0004')).toBe('true\n');
  });

  it('rejects wrong word count', async () => {
    await expect(runDecode('--type', 'float32', '077A')).rejects.toThrow(
      /float32 takes 2 register words but 1 was given; pass exactly 2 words/,
    );
  });

  it('rejects non-hex word', async () => {
    await expect(runDecode('--type', 'int16', 'XYZ')).rejects.toThrow(/word XYZ is invalid/);
  });

  it('rejects AB for 32-bit type', async () => {
    await expect(runDecode('--type', 'int32', '--order', 'AB', '0001', '0002')).rejects.toThrow(/16-bit types only/);
  });

  it('rejects unknown type', async () => {
    await expect(runDecode('--type', 'int8', '01')).rejects.toThrow(/--type int8 is invalid/);
  });
});
