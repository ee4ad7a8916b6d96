import { workspacePath } from '../../../../src/report/github/paths.js';

describe('#workspacePath', () => {
  it('on Linux, gives a package inside the workspace relative to it', () => {
    expect(workspacePath('out/a.nupkg', '/ws', '/ws', 'linux')).toBe('out/a.nupkg');
    expect(workspacePath('a.nupkg', '/ws', '/ws/out', 'linux')).toBe('out/a.nupkg');
  });

  it('on Linux, keeps a package outside the workspace absolute', () => {
    expect(workspacePath('../other/a.nupkg', '/ws', '/ws', 'linux')).toBe('/other/a.nupkg');
  });

  it('on Windows, gives a package inside the workspace with forward slashes', () => {
    expect(workspacePath('out\\sub\\a.nupkg', 'C:\\ws', 'C:\\ws', 'win32')).toBe('out/sub/a.nupkg');
  });

  it('on Windows, keeps a package on another drive absolute in Windows spelling', () => {
    expect(workspacePath('D:\\pkgs\\a.nupkg', 'C:\\ws', 'C:\\ws', 'win32')).toBe(
      'D:\\pkgs\\a.nupkg',
    );
  });

  it('for the workspace itself, gives its absolute path', () => {
    expect(workspacePath('.', '/ws', '/ws', 'linux')).toBe('/ws');
  });
});
