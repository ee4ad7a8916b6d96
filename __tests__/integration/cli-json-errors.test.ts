import { runCliInProcess } from '../helpers/cli-in-process.js';
import { useTempDir } from '../helpers/temp-files.js';

/**
 * With --json, stdout is one JSON document a program can parse, also when the run stops with a
 * usage or I/O error (exit 2): `{"error": {"code", "message"}}`. The human line stays on stderr.
 */
const NOW = new Date('2026-11-25T07:30:00Z');
const temp = useTempDir();

const run = (...argv: string[]) => runCliInProcess(argv, { now: NOW, env: {} });

function errorDocument(stdout: string): { code: string | null; message: string } {
  const document = JSON.parse(stdout) as { error: { code: string | null; message: string } };
  expect(Object.keys(document)).toEqual(['error']);
  return document.error;
}

describe('nupkg-signing --json on an error', () => {
  it('prints a NUPKG003 error document for an unknown option, and exits 2', async () => {
    const result = await run('verify', '--json', '--no-such-option', 'a.nupkg');
    expect(result.code).toBe(2);
    expect(errorDocument(result.stdout)).toEqual({
      code: 'NUPKG003',
      message: expect.stringContaining("'--no-such-option'"),
    });
    expect(result.stderr).toMatch(/^error NUPKG003: .*--no-such-option/);
  });

  it('prints an error document for a bad --fail-on value in sign mode, and exits 2', async () => {
    const result = await run('sign', '--json', '--fail-on', 'maybe', 'a.nupkg');
    expect(result.code).toBe(2);
    expect(errorDocument(result.stdout).code).toBe('NUPKG003');
  });

  it('prints an error document when a named package does not exist, and exits 2', async () => {
    const missing = temp.path('missing.nupkg');
    const result = await run('verify', '--json', missing);
    expect(result.code).toBe(2);
    const error = errorDocument(result.stdout);
    expect(error.code).toMatch(/^NUPKG00[23]$/);
    expect(error.message).toContain('missing.nupkg');
  });

  it('keeps stdout empty and prints only the stderr line without --json', async () => {
    const result = await run('verify', '--no-such-option', 'a.nupkg');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error NUPKG003: /);
  });

  it('does not take a file named --json after -- for the option', async () => {
    const result = await run('verify', '--', '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('keeps one document on stdout when a report file fails after the results were printed', async () => {
    const result = await run(
      'verify',
      '--json',
      '--sarif',
      // A file where a directory should be: the report cannot be written.
      `${temp.write('not-a-directory', 'x')}/report.sarif`,
      'fixtures/packages/testunsigned.1.0.0.nupkg',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error NUPKG002: The report file .*report\.sarif' cannot be written/m,
    );
    const document = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(document.results).toBeDefined();
    expect(document.error).toBeUndefined();
  });
});
