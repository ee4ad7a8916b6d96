import * as core from '@actions/core';

// Placeholder entry until the action issue: reads nothing yet.
core.info('nupkg-signing action');
