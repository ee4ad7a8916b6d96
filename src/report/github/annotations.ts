import { findingTitle, type Finding } from './findings.js';
import { workspacePath } from './paths.js';

/** GitHub shows at most this many annotations of each type for a step. */
export const ANNOTATIONS_SHOWN_PER_TYPE = 10;

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** A workflow-command annotation (`::error title=…,file=…::message`), ready to print. */
export interface Annotation {
  readonly level: AnnotationLevel;
  /** The NU code and the signature it is about, which GitHub shows as the annotation's title. */
  readonly title: string;
  readonly file: string;
  readonly message: string;
}

export interface PathContext {
  readonly workspace: string;
  readonly cwd: string;
}

/** One annotation per finding, in the findings' order (errors first). */
export function toAnnotations(findings: readonly Finding[], paths: PathContext): Annotation[] {
  return findings.map((finding) => {
    const file = workspacePath(finding.file, paths.workspace, paths.cwd);
    return {
      level: finding.level === 'info' ? 'notice' : finding.level,
      title: findingTitle(finding),
      file,
      // The package is binary, so GitHub cannot show the annotation inline: name it in the text.
      message: `${file}: ${finding.message}`,
    };
  });
}

/** How many annotations of each type GitHub will not show, for a pointer to the job summary. */
export function hiddenAnnotationCounts(
  annotations: readonly Annotation[],
): Partial<Record<AnnotationLevel, number>> {
  const hidden: Partial<Record<AnnotationLevel, number>> = {};
  for (const level of ['error', 'warning', 'notice'] as const) {
    const count = annotations.filter((a) => a.level === level).length;
    if (count > ANNOTATIONS_SHOWN_PER_TYPE) hidden[level] = count - ANNOTATIONS_SHOWN_PER_TYPE;
  }
  return hidden;
}
