import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from './path.ts';

export interface ProsodyInstall {
  binary: string;
  version: string;
  /** Set when the bench runs as root: Prosody refuses root, so it runs as this user. */
  runAs?: { uid: number; gid: number; name: string };
}

export const PROSODY_INSTALL_HINT = `Prosody 13 is not installed, so the bench runs Gatehouse alone. To compare side by side (Debian 12):
  echo 'deb http://deb.debian.org/debian bookworm-backports main' | sudo tee /etc/apt/sources.list.d/bookworm-backports.list
  sudo apt-get update
  sudo apt-get install -t bookworm-backports prosody prosody-modules lua-cjson
then run npm run bench again; it writes its own Prosody configuration and starts and stops Prosody itself.`;

function run(binary: string, args: string[]): string {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (error) {
    return String((error as { stdout?: unknown }).stdout ?? '');
  }
}

/** Prosody 13 or later with the SASL2 modules, or undefined. `prosody --version` is gone in 13: `prosodyctl about` says it. */
export function detectProsody(): ProsodyInstall | undefined {
  const binary = findOnPath('prosody');
  const ctl = findOnPath('prosodyctl');
  if (!binary || !ctl) return undefined;
  const about = run(ctl, ['about']);
  const version = /^Prosody (\S+)/m.exec(about)?.[1];
  const major = Number(version?.split('.')[0]);
  if (!version || !(major >= 13)) return undefined;
  // prosody-modules puts mod_sasl2 into one of the plugin directories `about` lists.
  const pluginDirs = [...about.matchAll(/^\s+(\/\S+?)\/?(?:\s|$)/gm)].map((match) => match[1]!);
  if (!pluginDirs.some((dir) => existsSync(join(dir, 'mod_sasl2', 'mod_sasl2.lua')))) return undefined;
  if (process.getuid?.() !== 0) return { binary, version };
  const uid = Number(run('id', ['-u', 'prosody']).trim());
  const gid = Number(run('id', ['-g', 'prosody']).trim());
  if (!Number.isInteger(uid) || uid <= 0) return undefined;
  return { binary, version, runAs: { uid, gid, name: 'prosody' } };
}
