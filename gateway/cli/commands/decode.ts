/**
 * `coldpool decode --type TYPE --order ORDER WORD...`: decodes register words typed in hex, as the Modbus
 * driver would, to check a device manual's type and byte order against values read off the wire.
 */
import type { Command } from 'commander';
import { applyScale, decodeRegisters, orderBytes, wordCount } from '../../../devices/modbus/register-codec.js';
import type { ByteOrder, RegisterType } from '../../../devices/modbus/register-field.js';

const TYPES: RegisterType[] = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'int64', 'uint64', 'float64', 'bool'];

/** Order names accepted on the command line, mapped to the driver's orders. */
const ORDER_ALIASES: Record<string, ByteOrder> = {
  AB: 'ABCD',
  BA: 'BADC',
  ABCD: 'ABCD',
  CDAB: 'CDAB',
  BADC: 'BADC',
  DCBA: 'DCBA',
  ABCDEFGH: 'ABCD',
  GHEFCDAB: 'CDAB',
  BADCFEHG: 'BADC',
  HGFEDCBA: 'DCBA',
};

/** Options of `coldpool decode`, as commander passes them (text, parsed by the command). */
export interface DecodeOptions {
  type: string;
  order: string;
  scale: string;
  offset: string;
  bit?: string;
}

/** Output target of the command: standard output, or a stream a test captures. */
export interface TextOutput {
  write(text: string): unknown;
}

/** Adds `decode` to `program`. The command writes to `output`, standard output by default. */
export function registerDecodeCommand(program: Command, output: TextOutput = process.stdout): void {
  program
    .command('decode')
    .description('decode Modbus register words given in hex, such as FFEC or 0x077A 0x429B')
    .requiredOption('--type <type>', `register type: ${TYPES.join(', ')}`)
    .option('--order <order>', 'byte order: ABCD, CDAB, BADC, DCBA (AB or BA for 16-bit types), or all', 'ABCD')
    .option('--scale <factor>', 'multiplier applied after sign extension', '1')
    .option('--offset <value>', 'added after scaling', '0')
    .option('--bit <n>', 'bit of the register for type bool, 0 = least significant')
    .argument('<words...>', 'register words in wire order, 16-bit hex each')
    .action((words: string[], options: DecodeOptions) => {
      output.write(decodeCommandText(words, options));
    });
}

/** Builds the command output: one value, or for `--order all` a table with one row per order. */
export function decodeCommandText(wordTexts: string[], options: DecodeOptions): string {
  const type = parseType(options.type);
  const words = parseWords(wordTexts, type);
  const scale = parseNumber(options.scale, '--scale');
  const offset = parseNumber(options.offset, '--offset');
  const bit = options.bit === undefined ? undefined : parseNumber(options.bit, '--bit');
  const decode = (order: ByteOrder) => formatValue(applyScale(decodeRegisters(words, type, order, bit), scale, offset));

  if (options.order.toLowerCase() !== 'all') {
    return `${decode(parseOrder(options.order, type))}\n`;
  }
  const orders: Array<[string, ByteOrder]> =
    wordCount(type) === 1
      ? [
          ['AB', 'ABCD'],
          ['BA', 'BADC'],
        ]
      : [
          ['ABCD', 'ABCD'],
          ['CDAB', 'CDAB'],
          ['BADC', 'BADC'],
          ['DCBA', 'DCBA'],
        ];
  const rows = orders.map(([label, order]) => [label, hexOf(orderBytes(words, order)), decode(order)]);
  return formatTable([['order', 'bytes', 'value'], ...rows]);
}

function parseType(text: string): RegisterType {
  const type = TYPES.find((name) => name === text.toLowerCase());
  if (!type) throw new Error(`--type ${text} is invalid, use one of ${TYPES.join(', ')}`);
  return type;
}

function parseOrder(text: string, type: RegisterType): ByteOrder {
  const name = text.toUpperCase();
  const order = ORDER_ALIASES[name];
  if (!order) throw new Error(`--order ${text} is invalid, use ABCD, CDAB, BADC, DCBA, AB, BA or all`);
  if (name.length === 2 && wordCount(type) !== 1) {
    throw new Error(`--order ${text} applies to 16-bit types only, use ABCD, CDAB, BADC or DCBA for ${type}`);
  }
  return order;
}

function parseWords(texts: string[], type: RegisterType): number[] {
  const words = texts.map((text) => {
    const digits = text.replace(/^0x/i, '');
    if (!/^[0-9a-f]{1,4}$/i.test(digits))
      throw new Error(`word ${text} is invalid, give 1 to 4 hex digits such as FFEC`);
    return Number.parseInt(digits, 16);
  });
  const needed = wordCount(type);
  if (words.length !== needed) {
    const givenWords = words.length === 1 ? '1 was given' : `${words.length} were given`;
    throw new Error(`${type} takes ${needed} register words but ${givenWords}; pass exactly ${needed} words`);
  }
  return words;
}

function parseNumber(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${option} ${text} is invalid, give a number`);
  return value;
}

function formatValue(value: number | bigint | boolean): string {
  return String(value);
}

function hexOf(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join('');
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
