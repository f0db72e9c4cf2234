import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

// The compose file lives at the repository root; `gatehouse start`'s folder hosts its check
// because the CLI package is the one that knows the whole stack.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const composeFile = `${root}docker-compose.yml`;
const compose = readFileSync(composeFile, 'utf8');
const dockerfile = readFileSync(`${root}deploy/Dockerfile`, 'utf8');

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever runs here; no engine needed. */
function composeCommand(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(command[0]!, [...command.slice(1), 'version'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.status === 0) return command;
  }
  return undefined;
}

describe('docker-compose.yml', () => {
  const command = composeCommand();
  it('passes `compose config -q`', { skip: command ? false : 'neither `docker compose` nor `docker-compose` is installed' }, () => {
    const [binary, ...args] = command!;
    const result = spawnSync(binary!, [...args, '-f', composeFile, 'config', '-q'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, `${command!.join(' ')} config -q failed:\n${result.stderr}`);
  });

  it('builds every service from a target that deploy/Dockerfile defines', () => {
    const targets = [...compose.matchAll(/^\s+target:\s*(\S+)/gm)].map((match) => match[1]);
    assert.deepEqual(targets.sort(), ['client-registry', 'gateway', 'projections', 'roster-sync', 'token']);
    for (const target of targets) assert.match(dockerfile, new RegExp(`^FROM \\S+ AS ${target}$`, 'm'));
  });

  it('uses no healthcheck start_interval (docker-compose 1.29 rejects it)', () => {
    const settings = compose.split('\n').filter((line) => !line.trimStart().startsWith('#'));
    assert.deepEqual(settings.filter((line) => line.includes('start_interval')), []);
  });
});
