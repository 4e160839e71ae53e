/**
 * Creates the directory of a store file (queue, local store, records database, plan store) before the
 * database is opened. It avoids `mkdirSync(..., { recursive: true })`, because on Node 20.20.2 that call
 * never returns for a path such as /proc/nope. procfs returns ENOENT for the new directory, the call keeps
 * retrying at full CPU, and the process never handles SIGINT or SIGTERM because its event loop cannot run.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Mode of each directory level this module creates: read, write and search for the owner only. */
export const STORE_DIRECTORY_MODE = 0o700;

/**
 * Creates the directory that will contain `storePath`, one missing level at a time with a non-recursive
 * `mkdirSync`, starting below the nearest existing ancestor. An existing directory is left as it is.
 * `setting` is the configuration key that sets the path, and the error names it in its fix. Throws an
 * Error that names the store file, the directory that could not be created and the cause.
 */
export function createStoreDirectory(storePath: string, setting: string): void {
  const directory = dirname(storePath);
  const missing: string[] = [];
  let ancestor = directory;
  while (!isPresent(ancestor)) {
    missing.unshift(ancestor);
    const parent = dirname(ancestor);
    // dirname returns its argument for '/' and '.', which always exist, so this only guards the loop.
    if (parent === ancestor) break;
    ancestor = parent;
  }
  if (isPresent(ancestor) && !isDirectory(ancestor)) {
    throw storeDirectoryError(storePath, directory, `${ancestor} is not a directory (ENOTDIR)`, setting);
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode: STORE_DIRECTORY_MODE });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process may have created the same level since the check above.
      if (code === 'EEXIST' && isDirectory(level)) continue;
      throw storeDirectoryError(storePath, level, describeCause(error, level), setting);
    }
  }
}

/** True when `path` exists, following symbolic links. A path whose parent cannot be searched counts as missing. */
function isPresent(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Returns the cause of a failed `mkdirSync` of `level` in plain words, followed by its error code. */
function describeCause(error: unknown, level: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
      return 'permission denied (EACCES)';
    case 'EPERM':
      return 'operation not permitted (EPERM)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'ENOTDIR':
      return `a part of ${level} is not a directory (ENOTDIR)`;
    case 'EEXIST':
      return `${level} exists and is not a directory (EEXIST)`;
    case 'ENOENT':
      // The parent exists at this point, so the file system itself rejected the new directory.
      return `the file system at ${dirname(level)} rejects new directories (ENOENT), as procfs and sysfs do`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function storeDirectoryError(storePath: string, directory: string, cause: string, setting: string): Error {
  return new Error(
    `store file ${storePath}: cannot create directory ${directory}: ${cause}; ` +
      `set ${setting} to a path on a writable file system`,
  );
}
