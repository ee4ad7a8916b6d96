import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readBoundedFile, readBoundedFileSync } from '../../../src/files/read-bounded-file.js';
import { NupkgSigningError } from '../../../src/errors.js';
import { useTempDir } from '../../helpers/temp-files.js';

const CONFIG = { maxBytes: 1024, code: 'NUPKG005', what: 'policy file' } as const;

function refusal(run: () => unknown): NupkgSigningError {
  try {
    run();
  } catch (error) {
    if (error instanceof NupkgSigningError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readBoundedFile', () => {
  const temp = useTempDir();

  it('reads a regular file within the limit, sync and async alike', async () => {
    const path = temp.path('ok.yml');
    writeFileSync(path, 'x'.repeat(1024));
    expect(readBoundedFileSync(path, CONFIG).length).toBe(1024);
    expect((await readBoundedFile(path, CONFIG)).length).toBe(1024);
  });

  it('refuses a file one byte over the limit with the caller code, naming the file', async () => {
    const path = temp.path('big.yml');
    writeFileSync(path, 'x'.repeat(1025));
    const error = refusal(() => readBoundedFileSync(path, CONFIG));
    expect(error.code).toBe('NUPKG005');
    expect(error.message).toContain(path);
    await expect(readBoundedFile(path, CONFIG)).rejects.toMatchObject({ code: 'NUPKG005' });
  });

  it('refuses /dev/zero at once instead of reading forever', async () => {
    const started = Date.now();
    expect(refusal(() => readBoundedFileSync('/dev/zero', CONFIG)).message).toContain(
      'not a regular file',
    );
    await expect(readBoundedFile('/dev/zero', CONFIG)).rejects.toMatchObject({ code: 'NUPKG005' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a FIFO with no writer without blocking', async () => {
    const fifo = temp.path('pipe.yml');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(() => readBoundedFileSync(fifo, CONFIG)).code).toBe('NUPKG005');
    await expect(readBoundedFile(fifo, CONFIG)).rejects.toMatchObject({ code: 'NUPKG005' });
  });

  it('refuses a directory and a missing file with the caller code', async () => {
    expect(refusal(() => readBoundedFileSync(temp.path(''), CONFIG)).message).toContain(
      'a directory',
    );
    const missing = { ...CONFIG, code: 'NUPKG002' } as const;
    await expect(readBoundedFile(temp.path('none.yml'), missing)).rejects.toMatchObject({
      code: 'NUPKG002',
    });
  });
});
