import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import type { ActionInputs } from '../../src/action/inputs.js';
import { createRootCa, type TestCa, type TestCertificate } from '../helpers/pki.js';
import { actionInputs, runActionInProcess } from '../helpers/action-inputs.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip } from '../helpers/zip-builder.js';
import { parseFlowcharts } from '../helpers/mermaid.js';

/**
 * Workflow-command injection through the action's log (issue 11, finding 2): the action runs in
 * process on packages whose file name, nuspec id and version, and signing certificate subject carry
 * CR/LF followed by `::set-output`, `##vso[` and terminal escapes. What it writes to stdout is the
 * log the runner parses: the only commands in it are the action's own annotations, and no value
 * reaches the start of a line or carries a raw control character.
 */
const SET_OUTPUT = '::set-output name=valid::true';
const SET_VARIABLE = '##vso[task.setvariable variable=VALID]true';
const LEGACY = '##[set-output name=valid;]true';
const temp = useTempDir();

let root: TestCa;
let intermediate: TestCa;
let leaf: TestCertificate;
let counter = 0;

/** A DirectoryString holding `text` as raw UTF-8 (RFC 4514 `#hex` form), CR and LF included. */
function rawName(attribute: string, text: string): string {
  const value = Buffer.from(text, 'utf8');
  if (value.length > 127) throw new Error('keep test names short');
  return `${attribute}=#${Buffer.concat([Buffer.from([0x0c, value.length]), value]).toString('hex')}`;
}

beforeAll(async () => {
  root = await createRootCa({ subject: 'CN=Action Injection Test Root' });
  intermediate = await root.issueIntermediate();
  leaf = await intermediate.issueLeaf({
    subject: rawName('CN', `Contoso\r\n${SET_OUTPUT}\r${SET_VARIABLE}\n${LEGACY}\x1b[2J\u202e`),
  });
});

function workspaceWithHostilePackage(): { workspace: string; runnerTemp: string } {
  const workspace = temp.path(`workspace-${++counter}`);
  const runnerTemp = temp.path(`runner-${counter}`);
  mkdirSync(join(workspace, 'pkgs'), { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  const nuspec = `<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">\n  <metadata>\n    <id>Evil\r\n${SET_OUTPUT}&#13;&#10;${SET_VARIABLE}</id>\n    <version>1.0.0</version>\n    <authors>test</authors>\n    <description>test</description>\n  </metadata>\n</package>\n`;
  const zip = buildZip({
    entries: [
      { name: 'Hostile.nuspec', data: Buffer.from(nuspec), method: 8 },
      { name: 'content/readme.txt', data: Buffer.from('readme\n'), method: 0 },
    ],
  });
  writeFileSync(join(workspace, 'pkgs', `pkg\n${SET_OUTPUT}\r${SET_VARIABLE}.nupkg`), zip);
  return { workspace, runnerTemp };
}

function inputs(workspace: string, runnerTemp: string, given: Partial<ActionInputs>): ActionInputs {
  return actionInputs(
    { workspace, cwd: workspace, runnerTemp, stepId: 'hostile' },
    {
      mode: 'verify',
      packages: 'pkgs/*.nupkg',
      revocationMode: 'offline',
      sarifFile: 'results.sarif',
      summary: 'true',
      ...given,
    },
  );
}

interface ActionLog {
  readonly stdout: string;
  readonly summary: string;
  readonly outputs: string;
}

/** Runs the action with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files; captures stdout. */
async function runAction(workspace: string, runnerTemp: string, given: Partial<ActionInputs>) {
  const summaryFile = join(runnerTemp, 'step_summary');
  const outputFile = join(runnerTemp, 'github_output');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const stdout = await runActionInProcess(
    inputs(workspace, runnerTemp, given),
    () => new Date('2025-06-01T12:00:00Z'),
    { GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: outputFile },
  );
  const log: ActionLog = {
    stdout,
    summary: readFileSync(summaryFile, 'utf8'),
    outputs: readFileSync(outputFile, 'utf8'),
  };
  return log;
}

/** The runner's view: each line is a command if it starts with `::` or holds `##[`/`##vso[`. */
function expectOnlyOwnCommands(stdout: string): string[] {
  const commands: string[] = [];
  for (const line of stdout.split(/\r\n|[\n\r\u0085\u2028\u2029]/)) {
    expect(line).not.toMatch(/##(?:vso)?\[/i);
    expect(line).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    if (!line.trimStart().startsWith('::')) continue;
    // The action's own annotations and failure: `::error title=NU3018,file=…::…`.
    expect(line).toMatch(/^::(?:error|warning|notice|debug|add-mask)(?: [^:]*)?::/);
    commands.push(line);
  }
  return commands;
}

describe('hostile values in the action log', () => {
  it('sign-and-verify and verify: log lines, annotations, outputs and summary carry the values escaped', async () => {
    const { workspace, runnerTemp } = workspaceWithHostilePackage();
    // Sign with the hostile certificate, its root trusted for this run only.
    const keyPem = leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
    const signedRun = await runAction(workspace, runnerTemp, {
      mode: 'sign-and-verify',
      privateKey: keyPem,
      certificateChain: `${leaf.pem}\n${intermediate.pem}\n`,
      trustedRoots: temp.write(`roots-${counter}.pem`, root.pem),
    });
    expectOnlyOwnCommands(signedRun.stdout);
    // signed-packages is one path per line: the hostile name stays one (escaped) entry.
    const signedOutput = /signed-packages<<(\S+)\n([\s\S]*?)\n\1/.exec(signedRun.outputs);
    expect(signedOutput?.[2]?.split('\n')).toEqual([
      expect.stringContaining(`pkg\\n${SET_OUTPUT}\\r##vso[task.setvariable`),
    ]);

    // Verify without trusting the root: NU3018 errors that quote the subject, and a failed step.
    const verifyRun = await runAction(workspace, runnerTemp, { mode: 'verify' });
    const commands = expectOnlyOwnCommands(verifyRun.stdout);
    const errors = commands.filter((line) => line.startsWith('::error'));
    expect(errors.length).toBeGreaterThan(0);
    // The certificate subject and file name are in the annotation, readable.
    expect(verifyRun.stdout).toContain(`Contoso\\r\\n${SET_OUTPUT}\\r##vso\\x5btask.setvariable`);
    expect(verifyRun.stdout).toContain('\\x1b[2J\\u202e');
    expect(verifyRun.stdout).toMatch(/file=pkgs\/pkg\\n%3A%3Aset-output/);

    // The job summary: the values stay inside the table.
    const html = new MarkdownIt({ html: true, linkify: true }).render(verifyRun.summary);
    // Its own headings only: the run, Verification and Signing chains (the Mermaid diagrams).
    expect(html.match(/<h\d/g)).toHaveLength(3);
    // The hostile subject's chain is drawn as a chain: Mermaid parses n nodes and n - 1 edges.
    const fences = new MarkdownIt()
      .parse(verifyRun.summary, {})
      .filter((t) => t.type === 'fence' && t.info === 'mermaid');
    expect(fences.length).toBeGreaterThan(0);
    for (const parsed of parseFlowcharts(fences.map((t) => t.content))) {
      expect(parsed.error).toBeUndefined();
      expect(parsed.edges).toHaveLength(parsed.vertices.length - 1);
    }
    expect(html).not.toMatch(/<a |<img/);
    // SARIF and the results file parse to the exact subject.
    const sarif = JSON.parse(readFileSync(join(workspace, 'results.sarif'), 'utf8')) as {
      runs: { results: { message: { text: string } }[] }[];
    };
    for (const result of sarif.runs[0]?.results ?? []) {
      expect(result.message.text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    }
  });
});
