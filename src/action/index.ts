// The entry point GitHub runs (dist/index.js): read the inputs once, then run. The same file runs
// in verification worker threads (a batch spread over the cores), which only serve requests.
import { serveIfVerifyWorker } from '../run/verify-worker.js';
import { run } from './main.js';
import { readActionInputs } from './read-inputs.js';

if (!serveIfVerifyWorker(import.meta.url)) await run(readActionInputs());
