/**
 * Errors of the XML layer. Callers turn them into their own codes: NUPKG001 (syntax) and NUPKG004
 * (limit) for a package's nuspec, NUPKG005 for a configuration file, each naming file and line.
 */

/** The document is not well-formed XML, or uses something we refuse (a DTD, an encoding). */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/** The document is well-formed so far but exceeds one of the XML limits in LIMITS. */
export class XmlLimitError extends XmlSyntaxError {
  constructor(message: string, line: number) {
    super(message, line);
    this.name = 'XmlLimitError';
  }
}
