import { open, type FileHandle } from 'node:fs/promises';
import { NupkgSigningError } from '../errors.js';

/** Positional reads over an open file. One handle, no stream, so reads never race. */
export class RandomAccessFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<RandomAccessFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new NupkgSigningError('NUPKG002', `Cannot open '${path}': ${ioReason(error)}.`, {
        file: path,
        cause: error,
      });
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new NupkgSigningError('NUPKG002', `'${path}' is not a regular file.`, { file: path });
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
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
