/**
 * Warnings for files that hold or point to secrets (the config, the MQTT users file, TLS keys, password
 * files) when other local users can read or change them. POSIX permission bits only.
 */
import { statSync } from 'node:fs';

/** Permission bits that let the group or others read a file. */
const GROUP_OTHER_READ = 0o044;
/** Permission bits that let the group or others write a file. */
const GROUP_OTHER_WRITE = 0o022;

/** Exposure of a file in the warning text: what a reader learns and what a writer could change. */
export interface FileExposure {
  /** Completes "readable by group or others (mode 644) and ...", such as `may contain credentials`. */
  read: string;
  /** Completes "so another user could ...", such as `change its settings`. */
  write: string;
}

const CONFIG_EXPOSURE: FileExposure = { read: 'may contain credentials', write: 'change its settings' };

/**
 * Returns one warning per problem with the permissions of `path`, or none. `label` names the file in
 * the message, such as `configuration file` or `mqtt.broker.tls.key_file`. On Windows, where the mode
 * bits do not reflect the ACLs, it returns none.
 */
export function configFileWarnings(
  path: string,
  label = 'configuration file',
  exposure: FileExposure = CONFIG_EXPOSURE,
): string[] {
  if (process.platform === 'win32') return [];
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    // A missing file is reported by the loader that reads it, with its own message.
    return [];
  }
  const octal = mode.toString(8).padStart(3, '0');
  const warnings: string[] = [];
  if ((mode & GROUP_OTHER_READ) !== 0) {
    warnings.push(
      `${label} ${path} is readable by group or others (mode ${octal}) and ${exposure.read}; run chmod 600 ${path}`,
    );
  }
  if ((mode & GROUP_OTHER_WRITE) !== 0) {
    warnings.push(
      `${label} ${path} is writable by group or others (mode ${octal}), so another user could ${exposure.write}; run chmod 600 ${path}`,
    );
  }
  return warnings;
}
