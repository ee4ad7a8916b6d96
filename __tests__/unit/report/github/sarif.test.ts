import fc from 'fast-check';
import type { Finding } from '../../../../src/report/github/findings.js';
import { workspacePath } from '../../../../src/report/github/paths.js';
import { relativeUri, renderSarif } from '../../../../src/report/github/sarif.js';
import { sarifValidator } from '../../../helpers/sarif-schema.js';

/**
 * SARIF locations for file names holding URI delimiters: `#` or `?` must not end the path (GitHub
 * would point at `a` for `a#1.nupkg`), on POSIX and on Windows (backslash separators, drive
 * letters), and every result uses `/` between folders.
 */
function sarifUri(file: string, workspace: string, platform: NodeJS.Platform): unknown {
  const finding: Finding = { file, code: 'NU3008', level: 'error', message: 'm' };
  const log = renderSarif([finding], { version: '1', workspace, cwd: workspace, platform }) as {
    runs: { results: { locations: { physicalLocation: { artifactLocation: unknown } }[] }[] }[];
  };
  return log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation;
}

describe('SARIF artifact URIs', () => {
  it.each([
    ['pkgs/a#1.nupkg', 'pkgs/a%231.nupkg'],
    ['pkgs/b?x=1.nupkg', 'pkgs/b%3Fx%3D1.nupkg'],
    ['pkgs/100%.nupkg', 'pkgs/100%25.nupkg'],
    ['c:d.nupkg', 'c%3Ad.nupkg'],
    ['pkgs/a b.nupkg', 'pkgs/a%20b.nupkg'],
  ])('on Linux, %s in the workspace is %s relative to %%SRCROOT%%', (file, uri) => {
    expect(sarifUri(file, '/ws', 'linux')).toEqual({ uri, uriBaseId: '%SRCROOT%' });
  });

  it.each([
    ['pkgs\\sub\\a#1.nupkg', 'pkgs/sub/a%231.nupkg'],
    ['C:\\ws\\pkgs\\b?.nupkg', 'pkgs/b%3F.nupkg'],
    ['pkgs/mixed\\c.nupkg', 'pkgs/mixed/c.nupkg'],
  ])('on Windows, %s in C:\\ws is %s with forward slashes', (file, uri) => {
    expect(sarifUri(file, 'C:\\ws', 'win32')).toEqual({ uri, uriBaseId: '%SRCROOT%' });
  });

  it('outside the workspace, is an absolute file URI with # and ? encoded (both platforms)', () => {
    expect(sarifUri('/elsewhere/x#y?.nupkg', '/ws', 'linux')).toEqual({
      uri: 'file:///elsewhere/x%23y%3F.nupkg',
    });
    expect(sarifUri('D:\\other\\x#y.nupkg', 'C:\\ws', 'win32')).toEqual({
      uri: 'file:///D:/other/x%23y.nupkg',
    });
  });

  it('on Linux, a backslash is part of a file name, not a separator', () => {
    expect(workspacePath('pkgs/a\\b.nupkg', '/ws', '/ws', 'linux')).toBe('pkgs/a\\b.nupkg');
    expect(sarifUri('pkgs/a\\b.nupkg', '/ws', 'linux')).toMatchObject({ uri: 'pkgs/a%5Cb.nupkg' });
  });

  it('a lone surrogate (possible in a Windows name) is encoded as U+FFFD instead of throwing', () => {
    expect(relativeUri('a\ud800b.nupkg')).toBe('a%EF%BF%BDb.nupkg');
  });

  it('any file name resolves back to itself against the workspace, with no query or fragment', () => {
    const segment = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      .filter((s) => !s.includes('/') && !s.includes('\\') && s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const path = segments.join('/');
        const url = new URL(relativeUri(path), 'file:///ws/');
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
        expect(decodeURIComponent(url.pathname)).toBe(`/ws/${path}`);
      }),
    );
  });
});

describe('renderSarif', () => {
  const findings: Finding[] = [
    { file: 'pkgs/a b.nupkg', code: 'NU3027', level: 'warning', message: 'no timestamp' },
    { file: '/elsewhere/c.nupkg', code: 'NU3018', level: 'info', message: 'untrusted' },
  ];

  it('produces a log the SARIF 2.1.0 schema accepts, with notes and file URIs', () => {
    const subject = renderSarif(findings, { version: '9.9.9', workspace: '/ws', cwd: '/ws' }) as {
      runs: {
        results: {
          level: string;
          locations: { physicalLocation: { artifactLocation: object } }[];
        }[];
      }[];
    };
    const validate = sarifValidator();
    const valid = validate(subject);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(
      subject.runs[0]?.results.map((r) => [
        r.level,
        r.locations[0]?.physicalLocation.artifactLocation,
      ]),
    ).toEqual([
      ['warning', { uri: 'pkgs/a%20b.nupkg', uriBaseId: '%SRCROOT%' }],
      ['note', { uri: 'file:///elsewhere/c.nupkg' }],
    ]);
  });

  it('is checked by a schema that rejects a log without a version', () => {
    const broken = renderSarif(findings, { version: '1', workspace: '/ws', cwd: '/ws' }) as Record<
      string,
      unknown
    >;
    delete broken.version;
    expect(sarifValidator()(broken)).toBe(false);
  });
});
