import { readdirSync, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { NupkgSigningError } from '../../errors.js';
import { LIMITS } from '../../limits.js';
import {
  loadNuGetConfigLayer,
  mergeNuGetConfigLayers,
  type NuGetSigningConfig,
} from '../nuget-config.js';

/**
 * The nuget.config files `dotnet nuget verify` reads when no --configfile is given
 * (Settings.LoadDefaultSettings; docs/nuget-config-trust.md §7), merged as NuGet merges them.
 * Everything the search depends on comes in as parameters, so tests never read the real home.
 */
export interface NuGetConfigDiscoveryOptions {
  /** Where the search starts (NuGet uses the process's working directory). */
  readonly workingDirectory: string;
  /** DOTNET_CLI_HOME, HOME, APPDATA, NUGET_COMMON_APPLICATION_DATA, ProgramFiles(x86), ProgramFiles. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Default: process.platform. Decides the folders, path syntax and file-name case. */
  readonly platform?: NodeJS.Platform;
}

export interface DiscoveredNuGetConfig {
  /** The merged settings; undefined when no file was found. */
  readonly config?: NuGetSigningConfig;
  /** The files read, closest to the working directory first. */
  readonly files: readonly string[];
}

/** Finds, reads (each bounded, NUPKG005 for a file NuGet refuses) and merges the hierarchy. */
export function discoverNuGetConfig(options: NuGetConfigDiscoveryOptions): DiscoveredNuGetConfig {
  const files = nugetConfigFiles(options);
  if (files.length > LIMITS.maxNuGetConfigFiles) {
    throw new NupkgSigningError(
      'NUPKG005',
      `${files.length} nuget.config files would be read (more than ${LIMITS.maxNuGetConfigFiles}), starting with ${files[0] ?? ''}: pass --configfile, or turn discovery off`,
    );
  }
  if (files.length === 0) return { files };
  const layers = files.map(loadNuGetConfigLayer);
  return { config: mergeNuGetConfigLayers(layers, files.join(', ')), files };
}

/** The paths NuGet would read, closest first; only files that exist. */
export function nugetConfigFiles(options: NuGetConfigDiscoveryOptions): string[] {
  const platform = options.platform ?? process.platform;
  const windows = platform === 'win32';
  const path = windows ? win32 : posix;
  // PathUtility.IsFileSystemCaseInsensitive: one spelling there (the system matches any case);
  // on a case-sensitive system the first existing of three spellings.
  const caseInsensitive = windows || platform === 'darwin';
  const names = caseInsensitive
    ? ['NuGet.Config']
    : ['nuget.config', 'NuGet.config', 'NuGet.Config'];
  const files: string[] = [];
  for (let directory = path.resolve(options.workingDirectory); ;) {
    const found = names.map((name) => path.join(directory, name)).find(isFile);
    if (found) files.push(found);
    const parent = path.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  const user = userSettingsDirectory(options.environment, windows, path);
  if (user !== undefined) {
    const userFile = path.join(user, 'NuGet.Config');
    if (isFile(userFile)) files.push(userFile);
    // The additional user-wide files, sorted with the system's comparer, NuGet.Config excepted.
    const extra = path.join(user, 'config');
    const same = (a: string, b: string) =>
      caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
    files.push(
      ...configFilesIn(extra, windows)
        .filter((name) => !same(name, 'NuGet.Config'))
        .sort(ordinal(caseInsensitive))
        .map((name) => path.join(extra, name)),
    );
  }
  const machine = machineWideDirectory(options.environment, platform, path);
  if (machine !== undefined) {
    files.push(...configFilesIn(machine, windows).map((name) => path.join(machine, name)));
  }
  return files;
}

/**
 * NuGetFolderPath.UserSettingsDirectory: %APPDATA%\NuGet, else $HOME/.nuget/NuGet. The dotnet CLI
 * runs NuGet with DOTNET_CLI_HOME as its home when that is set (tried: with both set, only
 * $DOTNET_CLI_HOME/.nuget/NuGet/NuGet.Config is read).
 */
function userSettingsDirectory(
  env: NuGetConfigDiscoveryOptions['environment'],
  windows: boolean,
  path: typeof posix,
): string | undefined {
  const base = windows ? env.APPDATA : env.DOTNET_CLI_HOME || env.HOME;
  if (!base) return undefined;
  return windows ? path.join(base, 'NuGet') : path.join(base, '.nuget', 'NuGet');
}

/** NuGetFolderPath.MachineWideConfigDirectory. */
function machineWideDirectory(
  env: NuGetConfigDiscoveryOptions['environment'],
  platform: NodeJS.Platform,
  path: typeof posix,
): string | undefined {
  let base: string | undefined;
  if (platform === 'win32') base = env['ProgramFiles(x86)'] || env.ProgramFiles;
  else if (platform === 'darwin') base = '/Library/Application Support';
  else base = env.NUGET_COMMON_APPLICATION_DATA || '/etc/opt';
  return base ? path.join(base, 'NuGet', 'Config') : undefined;
}

/**
 * The `*.config` files of a folder (and `*.Config` on Linux and macOS, listed first, as NuGet's
 * SupportedMachineWideConfigExtension orders its two patterns); each pattern's files in ordinal
 * order (NuGet takes the directory's enumeration order, which is not defined).
 */
function configFilesIn(directory: string, windows: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const files = names.filter((name) => isFile(`${directory}/${name}`)).sort(ordinal(false));
  if (windows) return files.filter((name) => name.toLowerCase().endsWith('.config'));
  return [
    ...files.filter((name) => name.endsWith('.Config')),
    ...files.filter((name) => name.endsWith('.config')),
  ];
}

function ordinal(ignoreCase: boolean): (a: string, b: string) => number {
  return (a, b) => {
    const [x, y] = ignoreCase ? [a.toUpperCase(), b.toUpperCase()] : [a, b];
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/**
 * File.Exists: anything but a directory (symbolic links followed). A FIFO or device named
 * nuget.config is therefore found, and then refused by the bounded reader (NUPKG005) instead of
 * being skipped silently.
 */
function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}
