import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * A validator for the SARIF 2.1.0 JSON schema. The schema file is the OASIS schema as
 * @microsoft/jest-sarif 1.0.0-beta.0 ships it (lib/schemas/sarif-2.1.0-rtm.5.json, MIT; SHA-256
 * 2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8), copied unchanged to
 * __tests__/fixtures/sarif-schema-2.1.0.json. It is written for JSON Schema draft-04; Ajv 8 reads
 * draft-07, and the only draft-04 keyword it uses is the root `id`, so that one is renamed here.
 */
export function sarifValidator(): ValidateFunction {
  const path = new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url);
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const { id, ...rest } = schema;
  delete rest.$schema; // draft-04's meta-schema; Ajv validates the keywords as draft-07
  // The schema's `language` pattern has a stray `]`, which only non-unicode regular expressions accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  return ajv.compile({ ...rest, $id: id as string });
}
