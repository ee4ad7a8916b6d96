import { constants as fs } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import { NupkgSigningError } from '../errors.js';

/** Positional reads over an open file. One handle, no stream, so reads never race. */
export class RandomAccessFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /**
   * Opens a package: only a regular file. It is opened without blocking, so a FIFO named like a
   * package (which would wait for a writer forever) or a device is refused at once by the type
   * check on the open handle, which also closes the gap between a check and the open.
   */
  static async open(path: string): Promise<RandomAccessFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, fs.O_RDONLY | fs.O_NONBLOCK);
    } catch (error) {
      const reason = `${ioReason(error)}${await danglingLink(path, error)}`;
      throw new NupkgSigningError('NUPKG002', `Cannot open '${path}': ${reason}.`, {
        file: path,
        cause: error,
      });
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      const kind = stat.isDirectory()
        ? 'a directory'
        : 'not a regular file (a FIFO, device or socket)';
      throw new NupkgSigningError(
        'NUPKG002',
        `'${path}' is ${kind}, not a package. Name a regular .nupkg file.`,
        { file: path },
      );
    }
    return new RandomAccessFile(path, handle, stat.size);
  }

  /** Reads exactly `length` bytes at `position`, or fails: a short read means the file changed. */
  async read(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    await this.readInto(buffer, 0, length, position);
    return buffer;
  }

  /** Fills `buffer[offset, offset + length)` from `position`. */
  async readInto(buffer: Buffer, offset: number, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(
        buffer,
        offset + done,
        length - done,
        position + done,
      );
      if (bytesRead === 0) {
        throw new NupkgSigningError(
          'NUPKG002',
          `Unexpected end of '${this.path}' at byte ${position + done}: the file is truncated or changed while it was read.`,
          { file: this.path },
        );
      }
      done += bytesRead;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A symbolic link whose target is missing (or loops) says so: the link is what to fix. */
async function danglingLink(path: string, error: unknown): Promise<string> {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOENT' && code !== 'ELOOP') return '';
  const target = await readlink(path).catch(() => undefined);
  return target === undefined ? '' : ` (a symbolic link to '${target}', which cannot be followed)`;
}

function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
