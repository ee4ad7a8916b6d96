import { visibleText } from '../escape.js';
import { findingTitle, type Finding } from './findings.js';
import { workspacePath } from './paths.js';

/** The Checks API takes at most 50 annotations per request (create, then update for more). */
export const ANNOTATIONS_PER_REQUEST = 50;
/** The Checks API limit for `output.summary` and `output.text`. */
const OUTPUT_LIMIT = 65535;

export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface CheckRunAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: 'failure' | 'warning' | 'notice';
  readonly title: string;
  readonly message: string;
}

export interface CheckRunOutput {
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
  readonly annotations: CheckRunAnnotation[];
}

export interface CheckRunPlan {
  readonly conclusion: CheckConclusion;
  /** The output of the create request (first batch of annotations). */
  readonly create: CheckRunOutput;
  /** One update per further batch of 50 annotations. */
  readonly updates: CheckRunOutput[];
}

export interface CheckRunInput {
  readonly findings: readonly Finding[];
  readonly conclusion: CheckConclusion;
  readonly title: string;
  /** Markdown; the job summary is reused, cut to the API's limit. */
  readonly text: string;
  readonly workspace: string;
  readonly cwd: string;
}

/** Splits a run's findings into the create request and the update requests of one check run. */
export function planCheckRun(input: CheckRunInput): CheckRunPlan {
  const annotations = input.findings.map((finding) => toCheckAnnotation(finding, input));
  const batches: CheckRunAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const summary = `${input.findings.length} finding(s). The full report is below and in the job summary.`;
  const output = (batch: CheckRunAnnotation[]): CheckRunOutput => ({
    title: input.title,
    summary,
    text: truncate(input.text),
    annotations: batch,
  });
  const [first = [], ...rest] = batches;
  return { conclusion: input.conclusion, create: output(first), updates: rest.map(output) };
}

function toCheckAnnotation(finding: Finding, input: CheckRunInput): CheckRunAnnotation {
  return {
    path: workspacePath(finding.file, input.workspace, input.cwd),
    // A package is binary: the annotation belongs to the file, line 1 by convention.
    start_line: 1,
    end_line: 1,
    annotation_level:
      finding.level === 'error' ? 'failure' : finding.level === 'warning' ? 'warning' : 'notice',
    title: findingTitle(finding),
    // Plain text on GitHub's page: controls, bidi overrides and zero-width characters shown escaped.
    message: visibleText(finding.message),
  };
}

function truncate(text: string): string {
  if (text.length <= OUTPUT_LIMIT) return text;
  const note = '\n\n… (cut; see the job summary for the complete report)';
  const cut = text.slice(0, OUTPUT_LIMIT - note.length);
  // A cut inside a ```mermaid block drops the diagram cut short, which would otherwise show as
  // a Mermaid syntax error with the note inside it.
  const open = (cut.match(/^```/gm) ?? []).length % 2 === 1;
  return (open ? cut.slice(0, Math.max(0, cut.lastIndexOf('\n```'))) : cut) + note;
}
