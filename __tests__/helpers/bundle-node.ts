import { resolve } from 'node:path';

/**
 * The `node` that runs a bundle (action or CLI) in a child process: NUPKG_SIGNING_NODE when set
 * (e.g. .ci/run's Node 24, the version the action runs on), else the node running the tests.
 */
export function bundleNode(): string {
  const given = process.env.NUPKG_SIGNING_NODE;
  return given ? resolve(given) : process.execPath;
}
