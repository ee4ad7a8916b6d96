/**
 * nuget.config under hostile input (issue 11, finding 6 for nuget.config): read with the shared
 * bounded reader and the shared XML reader, each problem is a NUPKG005 naming the file and the
 * line, in bounded time; encodings are read as NuGet's XmlReader reads them.
 */
import { execFileSync } from 'node:child_process';
import { NupkgSigningError } from '../../../src/errors.js';
import { LIMITS } from '../../../src/limits.js';
import { loadNuGetConfig } from '../../../src/policy/nuget-config.js';
import { useTempDir } from '../../helpers/temp-files.js';

const temp = useTempDir();
const TIME_BOUND_MS = 5000;
const MEMORY_BOUND = 200 * 1024 * 1024;
const CONFIG =
  '<?xml version="1.0" encoding="utf-16"?>\n<configuration>\n  <config>\n    <add key="signatureValidationMode" value="require" />\n  </config>\n</configuration>\n';

/** Loads `path`, expecting NUPKG005 in bounded time and memory; returns the message. */
function refusal(path: string): string {
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  let message: string | undefined;
  try {
    loadNuGetConfig(path);
  } catch (error) {
    expect(error).toBeInstanceOf(NupkgSigningError);
    expect((error as NupkgSigningError).code).toBe('NUPKG005');
    expect((error as NupkgSigningError).file).toBe(path);
    message = (error as Error).message;
  }
  expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  // maxRSS is the process's peak so far: if it grew, it grew while loading this file.
  expect(process.resourceUsage().maxRSS * 1024 - rssBefore).toBeLessThan(MEMORY_BOUND);
  if (message === undefined) throw new Error('accepted');
  return message;
}

describe('loadNuGetConfig bounds', () => {
  it(`refuses elements nested deeper than ${LIMITS.maxXmlDepth} with NUPKG005, file and line`, () => {
    const path = temp.write(
      'deep.config',
      `<configuration>\n<config>\n${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</config></configuration>`,
    );
    expect(refusal(path)).toBe(
      `${path}:3: elements are nested more than ${LIMITS.maxXmlDepth} deep, the limit for XML files`,
    );
  });

  it(`refuses more than ${LIMITS.maxXmlElements} elements with NUPKG005`, () => {
    const path = temp.write(
      'wide.config',
      `<configuration><config>${'<add/>'.repeat(LIMITS.maxXmlElements)}</config></configuration>`,
    );
    expect(refusal(path)).toMatch(`more than ${LIMITS.maxXmlElements} elements`);
  });

  it(`refuses a file over ${LIMITS.maxNuGetConfigBytes} bytes while reading it`, () => {
    const path = temp.write(
      'large.config',
      `<configuration>${' '.repeat(LIMITS.maxNuGetConfigBytes)}</configuration>`,
    );
    expect(refusal(path)).toMatch(`larger than ${LIMITS.maxNuGetConfigBytes} bytes`);
  });

  it('refuses a FIFO and a device at once instead of blocking or reading forever', () => {
    const fifo = temp.path('fifo.config');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(fifo)).toMatch(/not a regular file/);
    expect(refusal('/dev/zero')).toMatch(/not a regular file/);
  });

  it('refuses an <id>-style whitespace run left open, naming the line', () => {
    const path = temp.write('open.config', `<configuration>\n<config>${' '.repeat(100_000)}`);
    expect(refusal(path)).toMatch(new RegExp(`^${path}:2: <config> \\(line 2\\) is not closed`));
  });

  it('refuses invalid UTF-8 with NUPKG005 (never replaced silently)', () => {
    const path = temp.write('latin.config', Buffer.from('<configuration a="\u00e9"/>', 'latin1'));
    expect(refusal(path)).toMatch(/:1: the file is not valid UTF-8/);
  });

  it.each([
    [
      'UTF-16 LE with BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CONFIG, 'utf16le')]),
    ],
    [
      'UTF-16 BE with BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(CONFIG, 'utf16le').swap16()]),
    ],
    [
      'UTF-8 with BOM',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(CONFIG.replace('utf-16', 'utf-8')),
      ]),
    ],
  ])('reads a nuget.config in %s, as NuGet does', (_name, bytes) => {
    const path = temp.write('encoded.config', bytes);
    expect(loadNuGetConfig(path).signatureValidationMode).toBe('require');
  });
});
