// The entry point GitHub runs (dist/index.js): read the inputs once, then run.
import { run } from './main.js';
import { readActionInputs } from './read-inputs.js';

await run(readActionInputs());
