import { useColor } from '../../../src/cli/color.js';
import { renderText } from '../../../src/report/text.js';
import { OFFLINE_REVOCATION_NOTE } from '../../../src/revocation/assess.js';
import type { PackageVerification } from '../../../src/verify/verify-package.js';

/** The text report a person reads: failures first, one offline footer, --quiet, --verbose, colour. */
const offlineNote = (who: string) => ({
  code: who === 'timestamp' ? ('NU3028' as const) : ('NU3018' as const),
  level: 'info' as const,
  message: `The revocation status of the ${who} chain ('X') was not checked: ${OFFLINE_REVOCATION_NOTE} (NUGET_CERT_REVOCATION_MODE=offline or --revocation-mode offline).`,
});

function passing(file: string): PackageVerification {
  return {
    file,
    valid: true,
    signature: 'author',
    countersigned: false,
    issues: [offlineNote('signing'), offlineNote('timestamp'), offlineNote('timestamp')],
  };
}

function failing(file: string): PackageVerification {
  return {
    file,
    valid: false,
    signature: 'unsigned',
    countersigned: false,
    issues: [
      { code: 'NU3004', level: 'error', message: 'The package is not signed.' },
      { code: 'NU3027', level: 'warning', message: 'No timestamp.' },
    ],
  };
}

const RESULTS = [passing('a.nupkg'), failing('b.nupkg'), passing('c.nupkg'), failing('d.nupkg')];

describe('renderText', () => {
  it('lists failing packages first, in the run order within each group', () => {
    const verdicts = renderText(RESULTS)
      .split('\n')
      .filter((line) => /^(PASS|FAIL) /.test(line));
    expect(verdicts.map((line) => line.slice(0, 12))).toEqual([
      'FAIL b.nupkg',
      'FAIL d.nupkg',
      'PASS a.nupkg',
      'PASS c.nupkg',
    ]);
  });

  it('folds the offline revocation notes into one footer line of at most 80 columns', () => {
    const text = renderText(RESULTS);
    expect(text).not.toContain(OFFLINE_REVOCATION_NOTE + ' (NUGET');
    const footer = text.split('\n').filter((line) => line.startsWith('  note: '));
    expect(footer).toEqual([
      '  note: revocation not checked (offline) for 2 package(s); see --verbose',
    ]);
    const many = renderText(Array.from({ length: 99_999 }, (_, i) => passing(`${i}`)));
    const manyFooter = many.split('\n').find((line) => line.startsWith('  note: ')) ?? '';
    expect(manyFooter).toContain('99999 package(s)');
    expect(manyFooter.length).toBeLessThanOrEqual(80);
  });

  it('keeps the lines it writes itself within 80 columns for short names', () => {
    for (const line of renderText(RESULTS, {}).split('\n'))
      expect(line.length).toBeLessThanOrEqual(80);
  });

  it('lists each offline note with --verbose, and no footer', () => {
    const text = renderText(RESULTS, { verbose: true });
    expect(text.match(/info {2}NU30(18|28): /g)).toHaveLength(6);
    expect(text).not.toContain('note: ');
  });

  it('prints only failures, their errors and warnings, and the total with --quiet', () => {
    expect(renderText(RESULTS, { quiet: true })).toBe(
      [
        'FAIL b.nupkg  (unsigned)',
        '  error NU3004: The package is not signed.',
        '  warn  NU3027: No timestamp.',
        'FAIL d.nupkg  (unsigned)',
        '  error NU3004: The package is not signed.',
        '  warn  NU3027: No timestamp.',
        '',
        '2 valid, 2 invalid',
        '',
      ].join('\n'),
    );
  });

  it('colours only its own words, and a value cannot bring its own escape sequences', () => {
    const hostile = failing('\x1b[32mPASS\x1b[0m.nupkg');
    const text = renderText([hostile], { color: true });
    expect(text.startsWith('\x1b[31mFAIL\x1b[0m \\x1b[32mPASS\\x1b[0m.nupkg')).toBe(true);
    expect(text).toContain('\x1b[31m  error\x1b[0m NU3004');
    expect(text).toContain('\x1b[33m  warn \x1b[0m NU3027');
    // Every ESC in the output opens one of the four colours or a reset.
    expect(text.split('\x1b')).toHaveLength(7);
    expect(renderText([hostile])).not.toContain('\x1b');
  });
});

describe('useColor', () => {
  it('follows NO_COLOR, then FORCE_COLOR, then whether stdout is a terminal', () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ NO_COLOR: '' }, true)).toBe(true);
    expect(useColor({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: 'false' }, true)).toBe(false);
  });
});
