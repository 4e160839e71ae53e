import { InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { describeBounds, isWholeNumberSchema, numberBoundsOf } from '../../config/number-bounds.js';

/**
 * Returns a commander argument parser that reads a number and checks it with `schema`, so an option
 * takes exactly the values of the setting that the schema checks. A rejected value makes commander
 * print the option, the value and the range (`Give a number greater than 0, such as 8.`) and exit
 * with status 1. Empty text is rejected, although `Number('')` is 0.
 */
export function numberOption(schema: z.ZodNumber, example: string): (text: string) => number {
  return (text) => {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (schema.safeParse(value).success) return value;
    const bounds = numberBoundsOf(schema);
    const kind = isWholeNumberSchema(schema) ? 'a whole number' : 'a number';
    const range = bounds === undefined ? '' : ` ${describeBounds(bounds)}`;
    throw new InvalidArgumentError(`Give ${kind}${range}, such as ${example}.`);
  };
}
