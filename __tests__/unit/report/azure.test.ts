import fc from 'fast-check';
import { azureLogIssues, inAzurePipelines } from '../../../src/report/azure.js';
import { azureCommandText, logLine } from '../../../src/report/escape.js';
import type { Finding } from '../../../src/report/github/findings.js';

/**
 * Azure Pipelines logging commands read the way the agent reads them (`Command.TryParse`): the
 * first `##vso[` in the line, the area.event and properties up to the first `]`, properties split
 * at `;` and `=`, then each value and the message unescaped (`%3B`, `%0D`, `%0A`, `%5D`, then
 * `%AZP25`). A hostile file name or message must come back as exactly its safe log-line form.
 */
function unescape(value: string): string {
  return value
    .replace(/%3B/g, ';')
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%5D/g, ']')
    .replace(/%AZP25/g, '%');
}

function parseCommand(line: string) {
  const start = line.indexOf('##vso[');
  const end = line.indexOf(']', start);
  const [command = '', ...rest] = line.slice(start + 6, end).split(' ');
  const properties = Object.fromEntries(
    rest
      .join(' ')
      .split(';')
      .map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), unescape(pair.slice(at + 1))];
      }),
  );
  return { start, command, properties, message: unescape(line.slice(end + 1)) };
}

describe('Azure Pipelines logging commands', () => {
  it('logs errors and warnings as task.logissue, not notes', () => {
    const findings: Finding[] = [
      { file: 'a.nupkg', code: 'NU3004', level: 'error', message: 'not signed' },
      { file: 'b.nupkg', code: 'NU3027', level: 'warning', message: 'no timestamp' },
      { file: 'c.nupkg', code: 'NU3018', level: 'info', message: 'offline' },
    ];
    expect(azureLogIssues(findings)).toEqual([
      '##vso[task.logissue type=error;sourcepath=a.nupkg;code=NU3004]a.nupkg: not signed',
      '##vso[task.logissue type=warning;sourcepath=b.nupkg;code=NU3027]b.nupkg: no timestamp',
    ]);
  });

  it('escapes %, ;, CR, LF and ] as the agent unescapes them', () => {
    expect(azureCommandText('100%;a]b')).toBe('100%AZP25%3Ba%5Db');
  });

  it('detects the agent by TF_BUILD=True, in any case', () => {
    expect(inAzurePipelines({ TF_BUILD: 'True' })).toBe(true);
    expect(inAzurePipelines({ TF_BUILD: 'true' })).toBe(true);
    expect(inAzurePipelines({})).toBe(false);
    expect(inAzurePipelines({ TF_BUILD: '' })).toBe(false);
  });

  it('keeps hostile file names and messages inside their property and the message', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom(
        '##vso[task.setvariable variable=x]y',
        'a;type=warning]b',
        '%AZP25%3B%0A',
        'x\r\n##vso[task.complete result=Succeeded]',
      ),
    );
    fc.assert(
      fc.property(hostile, hostile, (file, message) => {
        const [line, ...more] = azureLogIssues([{ file, code: 'NU3008', level: 'error', message }]);
        expect(more).toEqual([]);
        expect(line?.split(/[\r\n\u0085\u2028\u2029]/)).toHaveLength(1);
        const parsed = parseCommand(line ?? '');
        expect(parsed.start).toBe(0);
        expect(parsed.command).toBe('task.logissue');
        expect(parsed.properties).toEqual({
          type: 'error',
          sourcepath: logLine(file),
          code: 'NU3008',
        });
        expect(parsed.message).toBe(logLine(`${file}: ${message}`));
        // No second command in the message: the agent would not run it, a reader might copy it.
        expect(parsed.message).not.toMatch(/##vso\[/i);
      }),
      { numRuns: 500 },
    );
  });
});
