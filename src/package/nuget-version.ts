/**
 * Whether NuGetVersion.Parse accepts a nuspec's version (NuGet.Versioning's NuGetVersionFactory):
 * `dotnet nuget verify` reads the package identity first and fails, without a code, on a version
 * it cannot parse. The rules, in NuGet's order: trim (.NET whitespace); split at the first "-" or
 * "+" into version, release labels and metadata; the version is System.Version with 2 to 4
 * components (".0" added to a single one), each an Int32 with optional surrounding whitespace;
 * labels are non-empty [0-9A-Za-z-] without leading zeros when numeric; metadata parts are
 * non-empty [0-9A-Za-z-]. Every loop and pattern is linear in the length.
 */
export function isNuGetVersion(value: string): boolean {
  const sections = parseSections(trimDotNet(value));
  if (!sections.version) return false;
  const version = sections.version.includes('.') ? sections.version : `${sections.version}.0`;
  if (!isSystemVersion(version)) return false;
  if (sections.labels && !sections.labels.every((label) => isValidPart(label, false))) return false;
  return (
    sections.metadata === undefined ||
    sections.metadata.split('.').every((part) => isValidPart(part, true))
  );
}

interface Sections {
  version?: string;
  labels?: string[];
  metadata?: string;
}

/** SemanticVersion.ParseSections, step by step (its quirks at the last character included). */
function parseSections(value: string): Sections {
  const sections: Sections = {};
  let dash = -1;
  let plus = -1;
  for (let i = 0; i < value.length; i++) {
    const end = i === value.length - 1;
    const c = value[i];
    if (dash < 0) {
      if (end || c === '-' || c === '+') {
        sections.version = value.slice(0, end ? i + 1 : i);
        dash = i;
        if (c === '+') plus = i;
      }
    } else if (plus < 0) {
      if (end || c === '+') {
        sections.labels = value.slice(dash + 1, end ? i + 1 : i).split('.');
        plus = i;
      }
    } else if (end) {
      sections.metadata = value.slice(plus + 1, i + 1);
    }
  }
  return sections;
}

/** System.Version.TryParse: 2–4 components, each int.TryParse(NumberStyles.Integer) and >= 0. */
function isSystemVersion(value: string): boolean {
  const components = value.split('.');
  return components.length >= 2 && components.length <= 4 && components.every(isVersionComponent);
}

const NUMBER_WHITE = ' \t\n\v\f\r';

function isVersionComponent(component: string): boolean {
  let start = 0;
  let end = component.length;
  while (start < end && NUMBER_WHITE.includes(component[start] as string)) start++;
  while (end > start && NUMBER_WHITE.includes(component[end - 1] as string)) end--;
  // Int32 also takes a sign, but "+" and "-" never get here: they start the labels or metadata.
  if (start === end) return false;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = component.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return false;
    value = value * 10 + digit;
    if (value > 2_147_483_647) return false;
  }
  return true;
}

/** SemanticVersion.IsValidPart. */
function isValidPart(part: string, allowLeadingZeros: boolean): boolean {
  if (part.length === 0) return false;
  if (!allowLeadingZeros && part.length > 1 && part[0] === '0' && /^[0-9]+$/.test(part))
    return false;
  return /^[0-9A-Za-z-]+$/.test(part);
}

/** String.Trim(): the characters char.IsWhiteSpace accepts, at both ends. */
function trimDotNet(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isDotNetWhiteSpace(value.charCodeAt(start))) start++;
  while (end > start && isDotNetWhiteSpace(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

function isDotNetWhiteSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}
