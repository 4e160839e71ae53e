import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the folder of the built-in profile files. The YAML files stay in the source tree, so compiled
 * code under dist/ walks up to the package root to find them.
 */
function profileDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, 'devices', 'profiles');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return dirname(fileURLToPath(import.meta.url));
}

/** One built-in profile file: its name (the file name without `.yaml`) and its text. */
export interface ProfileFile {
  name: string;
  path: string;
  text: string;
}

/** Reads every built-in profile file. Validation is the caller's job. */
export function readBuiltInProfiles(): ProfileFile[] {
  const dir = profileDirectory();
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      return { name: file.slice(0, -'.yaml'.length), path, text: readFileSync(path, 'utf8') };
    });
}
