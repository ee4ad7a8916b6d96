import { createHash, randomBytes } from 'node:crypto';
import { constants as fs } from 'node:fs';
import { lstat, open, opendir, readlink, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Names of the temporary files an atomic write leaves behind when its process is killed, and
 * their removal on a later run. A name says whose it is:
 *
 *   .nupkg-signing.<package name>.<owner>-<pid>-<random>.tmp
 *
 * `owner` is a short hash of the host name, the machine id and the PID namespace, so a PID is only
 * ever compared with the process table it came from: a file of another machine (a shared folder)
 * or another container is never judged by our process table. A reused PID makes a dead writer look
 * alive, which only keeps its file a while longer; a live writer can never look dead. The name
 * ends in `.tmp`, so `*.nupkg` patterns never pick up a half-written package.
 */

const PREFIX = '.nupkg-signing.';
/** `.<owner>-<pid>-<random>.tmp` at the end of a name; anchored, no nested quantifiers. */
const OWNERSHIP = /\.([0-9a-f]{8})-([1-9][0-9]{0,9})-[0-9a-f]{12}\.tmp$/;
/** NAME_MAX on Linux, macOS and Windows (bytes, or UTF-16 units on Windows: fewer). */
const MAX_NAME_BYTES = 255;
/** PREFIX + `.` + owner + `-` + up to 10 PID digits + `-` + 12 hex + `.tmp`. */
const FIXED_BYTES = PREFIX.length + 1 + 8 + 1 + 10 + 1 + 12 + 4;

/** A fresh temporary name for a write to a file named `name` (a base name, no directory). */
export async function temporaryNameFor(name: string): Promise<string> {
  const owner = await ownerTag();
  const random = randomBytes(6).toString('hex');
  return `${PREFIX}${truncateUtf8(name, MAX_NAME_BYTES - FIXED_BYTES)}.${owner}-${process.pid}-${random}.tmp`;
}

/**
 * Deletes, in `directory`, the temporary files of our naming whose writer is gone: same owner tag
 * (this machine and PID namespace) and a PID that no longer runs. Anything else is kept: other
 * names, files of a live writer (this process included), of another machine or container, and
 * anything that is not a regular file (a symlink is never followed nor removed). Streams the
 * directory, so a folder of any size costs constant memory. Returns the paths removed.
 */
export async function removeStaleTemporaries(directory: string): Promise<string[]> {
  const owner = await ownerTag();
  const removed: string[] = [];
  let entries;
  try {
    entries = await opendir(directory);
  } catch {
    return removed; // nothing to clean; the write itself reports a missing or unreadable folder
  }
  for await (const entry of entries) {
    if (!entry.isFile() || !entry.name.startsWith(PREFIX)) continue;
    const match = OWNERSHIP.exec(entry.name);
    if (!match || match[1] !== owner || isRunning(Number(match[2]))) continue;
    const path = join(directory, entry.name);
    // lstat again just before unlinking: the entry may have been replaced since it was listed.
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    // Another run may have removed it first; a folder we may not write to keeps it. Neither
    // stops the signing this cleanup precedes.
    if (
      await unlink(path).then(
        () => true,
        () => false,
      )
    )
      removed.push(path);
  }
  return removed;
}

/** Whether `pid` is a live process here. EPERM means it exists but belongs to another user. */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

let owner: Promise<string> | undefined;

/** The same for every process of this machine and PID namespace, different across them. */
function ownerTag(): Promise<string> {
  owner ??= Promise.all([
    readSmall('/etc/machine-id'),
    readlink('/proc/self/ns/pid').catch(() => ''),
  ]).then(([machineId, pidNamespace]) =>
    createHash('sha256')
      .update([hostname(), machineId.trim(), pidNamespace].join('\0'))
      .digest('hex')
      .slice(0, 8),
  );
  return owner;
}

/** The first bytes of a small system file, or '' where there is none (macOS, Windows). */
async function readSmall(path: string): Promise<string> {
  const handle = await open(path, fs.O_RDONLY | fs.O_NONBLOCK).catch(() => undefined);
  if (!handle) return '';
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } catch {
    return '';
  } finally {
    await handle.close();
  }
}

/** At most `maxBytes` of UTF-8, cut between characters. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}
