#!/usr/bin/env node
import { serveIfVerifyWorker } from '../run/verify-worker.js';
import { main } from './main.js';

// The CLI entry point: real streams, the real clock, the real exit code. The same file runs in
// verification worker threads (a batch spread over the cores), which only serve requests.
if (!serveIfVerifyWorker(import.meta.url)) {
  void main(
    process.argv.slice(2),
    {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stdoutIsTerminal: process.stdout.isTTY,
      stderrIsTerminal: process.stderr.isTTY,
    },
    new Date(),
  ).then((code) => {
    process.exitCode = code;
  });
}
