import { findingText, type Finding } from './github/findings.js';
import { azureCommandText } from './escape.js';

/**
 * Whether this process runs in an Azure Pipelines job: the agent sets TF_BUILD=True for every
 * task (the documented way for a tool to detect it).
 */
export function inAzurePipelines(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TF_BUILD?.toLowerCase() === 'true';
}

/**
 * One `##vso[task.logissue]` command per finding (errors and warnings), which Azure Pipelines
 * shows on the run's summary page. Every property value and message is escaped with
 * `azureCommandText`, so nothing from a package can end the command or start another.
 */
export function azureLogIssues(findings: readonly Finding[]): string[] {
  return findings.flatMap((finding) => {
    if (finding.level === 'info') return [];
    const properties = [
      `type=${finding.level}`,
      `sourcepath=${azureCommandText(finding.file)}`,
      `code=${azureCommandText(finding.code)}`,
    ].join(';');
    return [
      `##vso[task.logissue ${properties}]${azureCommandText(`${finding.file}: ${findingText(finding)}`)}`,
    ];
  });
}
