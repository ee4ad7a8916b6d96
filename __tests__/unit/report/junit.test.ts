import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { visibleText } from '../../../src/report/escape.js';
import { renderJunit } from '../../../src/report/junit.js';
import type { SignOutcome } from '../../../src/sign/sign-outcome.js';
import type { PackageVerification } from '../../../src/verify/verify-package.js';

/**
 * The JUnit report read by a real XML parser, checked against what the JUnit schema that Jenkins,
 * Azure Pipelines and GitLab accept requires (testsuite: name, tests, failures, errors; testcase:
 * name, classname; failure: message, type), from file names, ids and messages an attacker picks.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase'].includes(name),
  processEntities: true,
  htmlEntities: false,
  trimValues: false,
});

interface ParsedCase {
  name: string;
  classname: string;
  failure?: { message: string; type: string; '#text'?: string };
  'system-out'?: string;
}
interface ParsedSuite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  testcase?: ParsedCase[];
}

function parse(xml: string): {
  testsuites: { tests: string; failures: string; testsuite: ParsedSuite[] };
} {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as {
    testsuites: { tests: string; failures: string; testsuite: ParsedSuite[] };
  };
}

function verification(
  file: string,
  valid: boolean,
  message = 'Signature missing',
): PackageVerification {
  return {
    file,
    package: { id: 'Contoso.Lib', version: '1.0.0' },
    valid,
    signature: valid ? 'author' : 'unsigned',
    countersigned: false,
    issues: valid
      ? [{ code: 'NU3027', level: 'warning', message }]
      : [{ code: 'NU3004', level: 'error', message }],
  };
}

describe('renderJunit', () => {
  it('writes one test case per package, failed when invalid, with the codes as the failure message', () => {
    const report = parse(
      renderJunit({
        verifications: [verification('a.nupkg', true), verification('b.nupkg', false)],
        signing: [],
      }),
    );
    expect(report.testsuites).toMatchObject({ tests: '2', failures: '1' });
    const [suite] = report.testsuites.testsuite;
    expect(suite).toMatchObject({
      name: 'nupkg-signing verify',
      tests: '2',
      failures: '1',
      errors: '0',
    });
    const [passed, failed] = suite?.testcase ?? [];
    expect(passed).toMatchObject({
      name: 'a.nupkg (Contoso.Lib 1.0.0)',
      classname: 'nupkg-signing.verify',
    });
    expect(passed?.failure).toBeUndefined();
    expect(passed?.['system-out']).toBe('warning NU3027: Signature missing');
    expect(failed?.failure).toMatchObject({ message: 'NU3004', type: 'NU3004' });
    expect(failed?.failure?.['#text']).toBe('error NU3004: Signature missing');
  });

  it('writes a sign suite with a failed case per package not signed', () => {
    const signing: SignOutcome[] = [
      { file: 'x.nupkg', signed: true, warnings: [] },
      {
        file: 'y.nupkg',
        signed: false,
        warnings: [],
        error: { code: 'NU3001', message: 'Already signed' },
      },
    ];
    const report = parse(renderJunit({ verifications: [], signing }));
    const [suite] = report.testsuites.testsuite;
    expect(suite).toMatchObject({ name: 'nupkg-signing sign', tests: '2', failures: '1' });
    expect(suite?.testcase?.[1]?.failure).toMatchObject({ message: 'NU3001', type: 'NU3001' });
  });

  it('writes an empty verify suite for a run without packages', () => {
    const report = parse(renderJunit({ verifications: [], signing: [] }));
    expect(report.testsuites.testsuite[0]).toMatchObject({ tests: '0', failures: '0' });
  });

  it('keeps hostile file names and messages inside their attribute or element, readable', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (name, message) => {
          const xml = renderJunit({
            verifications: [verification(`${name}.nupkg`, false, message)],
            signing: [],
          });
          const cases = parse(xml).testsuites.testsuite[0]?.testcase ?? [];
          expect(cases).toHaveLength(1);
          expect(cases[0]?.name).toBe(visibleText(`${name}.nupkg (Contoso.Lib 1.0.0)`));
          expect(cases[0]?.failure?.['#text'] ?? '').toBe(visibleText(`error NU3004: ${message}`));
        },
      ),
      { numRuns: 300 },
    );
  });
});
