import * as github from '@actions/github';
import type { CheckRunPlan } from '../report/github/check-run.js';
import type { CheckRunTarget } from './inputs.js';

export const CHECK_RUN_NAME = 'nupkg-signing';

/**
 * Creates a completed check run on the head commit with the first 50 annotations, then appends
 * the rest 50 at a time (the Checks API limit per request). Returns the check run's page.
 */
export async function publishCheckRun(target: CheckRunTarget, plan: CheckRunPlan): Promise<string> {
  const octokit = github.getOctokit(target.token, {
    ...(target.apiUrl ? { baseUrl: target.apiUrl } : {}),
  });
  const repository = { owner: target.owner, repo: target.repo };
  const { data } = await octokit.rest.checks.create({
    ...repository,
    name: CHECK_RUN_NAME,
    head_sha: target.headSha,
    status: 'completed',
    conclusion: plan.conclusion,
    output: plan.create,
  });
  for (const output of plan.updates) {
    await octokit.rest.checks.update({ ...repository, check_run_id: data.id, output });
  }
  return data.html_url ?? `check run ${data.id}`;
}
