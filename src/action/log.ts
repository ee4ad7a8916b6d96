import * as core from '@actions/core';
import { logLine } from '../report/escape.js';
import type { AnnotationLevel } from '../report/github/annotations.js';

/**
 * The action's log, the one way its text reaches the runner. `core.info` writes its message raw
 * to stdout, where a CR or LF from a file name or a certificate would start a workflow command;
 * the annotation commands percent-encode CR and LF but keep other controls and `##[`. So every
 * message, title and file property goes through `logLine` first.
 */
export interface AnnotationTarget {
  readonly title?: string;
  readonly file?: string;
}

export function info(message: string): void {
  core.info(logLine(message));
}

export function debug(message: string): void {
  core.debug(logLine(message));
}

export function annotate(
  level: AnnotationLevel,
  message: string,
  target: AnnotationTarget = {},
): void {
  const properties: core.AnnotationProperties = {
    ...(target.title !== undefined ? { title: logLine(target.title) } : {}),
    ...(target.file !== undefined ? { file: logLine(target.file) } : {}),
  };
  core[level](logLine(message), properties);
}

export function warning(message: string): void {
  annotate('warning', message);
}

/** Fails the step with an `::error::` line. */
export function fail(message: string): void {
  core.setFailed(logLine(message));
}
