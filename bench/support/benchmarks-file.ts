/**
 * Writes one `## Heading` section of BENCHMARKS.md in the repository root, replacing that section when it
 * exists and appending it otherwise. Other sections stay byte for byte as they are.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** BENCHMARKS.md at the repository root. */
export const BENCHMARKS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'BENCHMARKS.md');

/** Replaces or appends the section titled `heading` (without the `## `) with `body`. */
export function writeSection(heading: string, body: string, path = BENCHMARKS_PATH): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  const section = [`## ${heading}`, '', ...body.trimEnd().split('\n'), ''];
  if (start === -1) {
    const base = text.endsWith('\n') ? text : `${text}\n`;
    writeFileSync(path, `${base}\n${section.join('\n')}`);
    return;
  }
  let end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  if (end === -1) end = lines.length;
  const next = [...lines.slice(0, start), ...section, ...lines.slice(end)];
  writeFileSync(path, next.join('\n'));
}

/**
 * Replaces or appends the `### sub` part of the `## heading` section, keeping the section's other
 * subsections, so runs of different variants of one benchmark sit side by side.
 */
export function writeSubsection(heading: string, sub: string, body: string, path = BENCHMARKS_PATH): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  let current: string[] = [];
  if (start !== -1) {
    let end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
    if (end === -1) end = lines.length;
    current = lines.slice(start + 1, end);
  }
  const subStart = current.findIndex((line) => line.trim() === `### ${sub}`);
  const part = [`### ${sub}`, '', ...body.trimEnd().split('\n'), ''];
  if (subStart === -1) {
    current = [...current, ...part];
  } else {
    let subEnd = current.findIndex((line, index) => index > subStart && line.startsWith('### '));
    if (subEnd === -1) subEnd = current.length;
    current = [...current.slice(0, subStart), ...part, ...current.slice(subEnd)];
  }
  const trimmed = current.join('\n').replace(/^\n+/, '');
  writeSection(heading, trimmed, path);
}
