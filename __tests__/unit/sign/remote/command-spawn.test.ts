import {
  planCommandSpawn,
  splitCommandLine,
  type SpawnHost,
} from '../../../../src/sign/remote/index.js';

/**
 * How a sign command is split and spawned on each OS, tested on any machine: the platform and the
 * file system are parameters (Windows paths below never touch the disk).
 */
function windowsHost(files: readonly string[], env: NodeJS.ProcessEnv = {}): SpawnHost {
  const present = new Set(files.map((f) => f.toLowerCase()));
  return {
    platform: 'win32',
    env: { Path: 'C:\\Windows\\system32;C:\\Program Files\\Azure CLI\\wbin', ...env },
    isFile: (path) => present.has(path.toLowerCase()),
  };
}

describe('#splitCommandLine on win32 (Microsoft C runtime rules)', () => {
  it.each([
    ['C:\\tools\\signer.exe --key prod', ['C:\\tools\\signer.exe', '--key', 'prod']],
    ['"C:\\Program Files\\Signer\\sign.exe" a', ['C:\\Program Files\\Signer\\sign.exe', 'a']],
    ['\\\\server\\share\\sign.exe', ['\\\\server\\share\\sign.exe']],
    ['tool a\\\\\\"b', ['tool', 'a\\"b']],
    ['tool "a\\\\" b', ['tool', 'a\\', 'b']],
    ['tool "say ""hi"""', ['tool', 'say "hi"']],
    ["tool 'single quotes' stay", ['tool', "'single", "quotes'", 'stay']],
    ['  tool\targ  ', ['tool', 'arg']],
  ])('splits %j', (text, words) => {
    expect(splitCommandLine(text, 'win32')).toEqual(words);
  });

  it('keeps the POSIX rules elsewhere, where the backslashes escape', () => {
    expect(splitCommandLine('C:\\tools\\signer.exe', 'linux')).toEqual(['C:toolssigner.exe']);
  });

  it('refuses an unterminated quote and an empty command with NUPKG003', () => {
    expect(() => splitCommandLine('"C:\\tools\\sign.exe', 'win32')).toThrow(
      expect.objectContaining({ code: 'NUPKG003', message: expect.stringContaining('"') }),
    );
    expect(() => splitCommandLine(' \t ', 'win32')).toThrow(
      expect.objectContaining({ code: 'NUPKG003' }),
    );
  });
});

describe('#planCommandSpawn', () => {
  it('spawns the argument vector unchanged on Linux', () => {
    const plan = planCommandSpawn(['/usr/bin/signer', 'a b', '"q"'], {
      platform: 'linux',
      env: {},
      isFile: () => false,
    });
    expect(plan).toEqual({
      file: '/usr/bin/signer',
      args: ['a b', '"q"'],
      windowsVerbatimArguments: false,
    });
  });

  it('spawns a Windows .exe directly and lets Node quote its arguments', () => {
    const host = windowsHost(['C:\\tools\\signer.exe']);
    expect(planCommandSpawn(['C:\\tools\\signer.exe', 'a b'], host)).toEqual({
      file: 'C:\\tools\\signer.exe',
      args: ['a b'],
      windowsVerbatimArguments: false,
    });
  });

  // Windows names are case-insensitive: the PATHEXT spelling (.CMD) is what is found.
  it('runs a .cmd shim found on PATH (az) through cmd.exe /d /s /c with every word escaped', () => {
    const shim = 'C:\\Program Files\\Azure CLI\\wbin\\az.cmd';
    const host = windowsHost([shim], { ComSpec: 'C:\\Windows\\system32\\cmd.exe' });
    const plan = planCommandSpawn(['az', 'keyvault', 'key', 'sign', '--name', 'a&b|c'], host);
    expect(plan.file).toBe('C:\\Windows\\system32\\cmd.exe');
    expect(plan.windowsVerbatimArguments).toBe(true);
    expect(plan.args).toEqual([
      '/d',
      '/s',
      '/c',
      '"C:\\Program^ Files\\Azure^ CLI\\wbin\\az.CMD ^"keyvault^" ^"key^" ^"sign^" ^"--name^" ^"a^&b^|c^""',
    ]);
  });

  it('escapes cmd variables, spaces and trailing backslashes in arguments of a .bat file', () => {
    const host = windowsHost(['D:\\sign\\run.bat']);
    const plan = planCommandSpawn(['D:\\sign\\run.bat', '%PATH%', 'C:\\out dir\\', '!x!'], host);
    expect(plan.file).toBe('cmd.exe');
    expect(plan.args[3]).toBe('"D:\\sign\\run.bat ^"^%PATH^%^" ^"C:\\out^ dir\\\\^" ^"^!x^!^""');
  });

  it('finds a program given without extension by PATHEXT, in PATHEXT order', () => {
    const host = windowsHost(['C:\\tools\\sign.cmd', 'C:\\tools\\sign.exe'], {
      PATHEXT: '.EXE;.CMD',
    });
    expect(planCommandSpawn(['C:\\tools\\sign'], host).file).toBe('C:\\tools\\sign.EXE');
  });

  it('does not look in the working directory for a bare program name', () => {
    const host = windowsHost(['.\\az.cmd']);
    expect(planCommandSpawn(['az'], host)).toEqual({
      file: 'az',
      args: [],
      windowsVerbatimArguments: false,
    });
  });

  it.each([
    ['a double quote', 'say "hi"'],
    ['a line break', 'one\r\ntwo'],
  ])('refuses %s in an argument of a batch file with NUPKG003', (_, argument) => {
    const host = windowsHost(['C:\\tools\\sign.cmd']);
    expect(() => planCommandSpawn(['C:\\tools\\sign.cmd', argument], host)).toThrow(
      expect.objectContaining({ code: 'NUPKG003', message: expect.stringContaining('cmd.exe') }),
    );
  });
});
