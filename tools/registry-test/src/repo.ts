// Helpers of the registry and turbo tests: a throwaway copy of the repository, and child processes that run with
// a clean environment (no npm_config_*, pnpm or turbo variables inherited from the `pnpm test` that started us).
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** The repository root (this file is tools/registry-test/src/repo.ts). @internal */
export const root: string = resolve(import.meta.dirname, '../../..')

/** The environment of a child: ours without npm, pnpm and turbo settings, plus `extra`. @internal */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|turbo_)/i.test(key) || key === 'INIT_CWD') continue
    env[key] = value
  }
  const who = { name: 'registry-test', email: 'registry-test@127.0.0.1' }
  return {
    ...env,
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
    ...extra,
  }
}

/**
 * Runs a command without blocking the event loop (the local registry may be serving in this process) and returns
 * its stdout; a failure throws with the command's stderr in the message.
 * @internal
 */
export async function run(
  cmd: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    return stdout
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${cmd} ${args.join(' ')} failed in ${options.cwd}\n${e.stderr ?? ''}\n${e.stdout ?? ''}`, {
      cause: error,
    })
  }
}

/**
 * Copies the repository's tracked and untracked-but-not-ignored files (what a clone of this commit plus the
 * working changes would hold: no node_modules, dist or .turbo) into `dest`, and makes it a git repository with
 * one commit on `main`, so tools that read git (turbo's hashing, `pnpm publish`'s branch check, `changeset tag`)
 * work there and never touch the real repository.
 * @internal
 */
export async function copyRepo(dest: string): Promise<void> {
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root })
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    const target = join(dest, file)
    mkdirSync(dirname(target), { recursive: true })
    // a file deleted in the working tree but still in the index is skipped
    try {
      cpSync(join(root, file), target)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  await git(dest, 'init', '--quiet', '--initial-branch=main')
  await commitAll(dest, 'copy of the repository')
}

/** Commits everything in a test copy. @internal */
export async function commitAll(dir: string, message: string): Promise<void> {
  await git(dir, 'add', '-A')
  await git(dir, 'commit', '--quiet', '--no-verify', '--allow-empty', '-m', message)
}

function git(dir: string, ...args: string[]): Promise<string> {
  return run('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: dir })
}
