import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../../schema/policy-file.schema.json' with { type: 'json' };
import { fingerprintProblem } from './fingerprint.js';
import { pointerToPath, type Locator, type PathSegment } from './yaml-locate.js';

/**
 * Validates the parsed YAML against schema/policy-file.schema.json and turns ajv's errors into one
 * line each, phrased for a person editing the file rather than for a schema author.
 */

let compiled: ValidateFunction | undefined;

/**
 * Compiled on the first policy file, not at import: compiling costs about 90 ms, which every
 * start (even `--version`) paid while most runs read no policy file.
 */
function validator(): ValidateFunction {
  // strictRequired is off: the oneOf/anyOf branches name properties declared one level up.
  compiled ??= new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
  }).compile(schema);
  return compiled;
}

export function schemaProblems(data: unknown, locator: Locator): string[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = dropImpliedErrors(validate.errors ?? []);
  const messages = errors.map((error) => describe(error, data, locator));
  return [...new Set(messages)];
}

/**
 * With allErrors, a failed oneOf/anyOf also reports the `required` failure of each branch at the
 * same place; the combined message says it better.
 */
function dropImpliedErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const combined = new Set(
    errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath),
  );
  return errors.filter(
    (e) =>
      !(
        e.keyword === 'required' &&
        combined.has(e.instancePath) &&
        /\/(oneOf|anyOf)\//.test(e.schemaPath)
      ),
  );
}

function describe(error: ErrorObject, data: unknown, locator: Locator): string {
  const path = pointerToPath(error.instancePath, data);
  const field = path[path.length - 1];
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return locator.message([...path, key], `unknown key (allowed: ${allowed.join(', ')})`, true);
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      return locator.message(path, `missing required key "${key}"`);
    }
    case 'propertyNames':
      return locator.message(
        path,
        'account names are nuget.org usernames: letters, digits, ".", "_" and "-"',
      );
    case 'pattern':
      return locator.message(path, patternMessage(field, error.data));
    case 'oneOf':
      return locator.message(path, 'needs exactly one of "fingerprint" or "file"');
    case 'anyOf':
      return locator.message(
        path,
        'needs "subject" or "chainsTo" (an issuer alone would accept any certificate that CA issues)',
      );
    case 'const':
    case 'enum':
      return locator.message(
        path,
        `must be ${JSON.stringify((error.params as { allowedValue?: unknown }).allowedValue ?? (error.params as { allowedValues?: unknown }).allowedValues)}`,
      );
    case 'type':
      return locator.message(
        path,
        `must be ${typeName(String((error.params as { type: unknown }).type))}`,
      );
    default:
      return locator.message(path, error.message ?? 'is invalid');
  }
}

function patternMessage(field: PathSegment | undefined, value: unknown): string {
  const text = String(value);
  switch (field) {
    case 'fingerprint':
    case 'chainsTo':
      return (
        fingerprintProblem(text) ??
        'must be 64 hex characters, optionally separated by colons or spaces'
      );
    case 'expires':
      return `must be a date such as 2026-03-31 (found "${text}")`;
    case 'id':
      return `"${text}" is not a package id or glob (letters, digits, ".", "_", "-", "*", "?")`;
    case 'preset':
      return `"${text}" is not a preset name`;
    default:
      return `"${text}" has an invalid format`;
  }
}

function typeName(type: string): string {
  if (type === 'object,null') return 'a mapping';
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return `a ${type}`;
}
