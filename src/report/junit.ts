import type { SignOutcome } from '../sign/sign-outcome.js';
import type { Level } from '../issues.js';
import type { PackageVerification } from '../verify/verify-package.js';
import { xmlText } from './escape.js';

export interface JunitInput {
  readonly verifications: readonly PackageVerification[];
  readonly signing: readonly SignOutcome[];
}

/** An issue as the report shows it (sign errors carry any code, verify issues an ErrorCode). */
interface Entry {
  readonly code: string;
  readonly level: Level;
  readonly message: string;
}

interface TestCase {
  readonly name: string;
  readonly classname: string;
  /** Errors: the test case fails, with the codes as the failure's message. */
  readonly failures: readonly Entry[];
  /** Warnings and notes, shown as the test case's output. */
  readonly notes: readonly Entry[];
}

/**
 * A JUnit XML report (the Ant/Jenkins schema that Azure Pipelines, GitLab and Jenkins display):
 * one test suite per part of the run (signing, verification), one test case per package, failed
 * when the package is invalid or was not signed, with every error in the failure and the warnings
 * and notes in `system-out`. Every value goes through `xmlText`.
 */
export function renderJunit(input: JunitInput): string {
  const suites: string[] = [];
  if (input.signing.length > 0)
    suites.push(suite('nupkg-signing sign', input.signing.map(signCase)));
  if (input.verifications.length > 0 || input.signing.length === 0)
    suites.push(suite('nupkg-signing verify', input.verifications.map(verifyCase)));
  const tests = input.signing.length + input.verifications.length;
  const failures =
    input.signing.filter((o) => !o.signed).length +
    input.verifications.filter((r) => !r.valid).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="nupkg-signing" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function verifyCase(result: PackageVerification): TestCase {
  const identity = result.package ? ` (${result.package.id} ${result.package.version})` : '';
  const errors = result.issues.filter((i) => i.level === 'error');
  return {
    name: `${result.file}${identity}`,
    classname: 'nupkg-signing.verify',
    // An invalid package always has an error; the fallback keeps a failure from being empty.
    failures: result.valid
      ? []
      : errors.length > 0
        ? errors
        : [{ code: 'invalid', level: 'error', message: 'The package is not valid.' }],
    notes: result.issues.filter((i) => i.level !== 'error'),
  };
}

function signCase(outcome: SignOutcome): TestCase {
  return {
    name: outcome.file,
    classname: 'nupkg-signing.sign',
    failures: outcome.error ? [{ ...outcome.error, level: 'error' }] : [],
    notes: outcome.warnings,
  };
}

function suite(name: string, cases: readonly TestCase[]): string {
  const failures = cases.filter((c) => c.failures.length > 0).length;
  return [
    `  <testsuite name="${name}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases.map(testCase),
    '  </testsuite>',
  ].join('\n');
}

function testCase(test: TestCase): string {
  const open = `    <testcase name="${xmlText(test.name)}" classname="${test.classname}"`;
  if (test.failures.length === 0 && test.notes.length === 0) return `${open}/>`;
  const lines = [`${open}>`];
  if (test.failures.length > 0) {
    const codes = [...new Set(test.failures.map((f) => f.code))].join(', ');
    lines.push(
      `      <failure message="${xmlText(codes)}" type="${xmlText(test.failures[0]?.code ?? '')}">${test.failures.map(issueLine).join('\n')}</failure>`,
    );
  }
  if (test.notes.length > 0)
    lines.push(`      <system-out>${test.notes.map(issueLine).join('\n')}</system-out>`);
  lines.push('    </testcase>');
  return lines.join('\n');
}

function issueLine(issue: Entry): string {
  return xmlText(`${issue.level} ${issue.code}: ${issue.message}`);
}
