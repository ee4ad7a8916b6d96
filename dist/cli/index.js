#!/usr/bin/env node
// Written by scripts/package.mjs: enables the compile cache, then runs the bundle (main.js).
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

if (typeof module.enableCompileCache === 'function' && !process.env.CI) {
  const home =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) ||
    join(homedir(), '.cache');
  try {
    module.enableCompileCache(join(home, 'nupkg-signing', 'compile-cache'));
  } catch {
    // A cache that cannot be used only costs time.
  }
}
await import('./main.js');
