import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planCapacity } from './capacity-plan';
import { parsePlanOptions, PLAN_USAGE } from './plan-options';
import { planSummary, renderPlanHtml } from './plan-report';

/** `loadgen plan ...`: simulates, prints the findings, writes plan.json and plan.html; exit code 0 unless the options are wrong. */
export function runPlanCommand(argv: readonly string[]): number {
  const options = parsePlanOptions(argv);
  if (options === 'help') {
    process.stdout.write(PLAN_USAGE);
    return 0;
  }
  const plan = planCapacity(options.profile, options.types, options.horizonAfterSec);
  const generatedAt = new Date().toISOString();
  mkdirSync(options.out, { recursive: true });
  const jsonPath = join(options.out, 'plan.json');
  const htmlPath = join(options.out, 'plan.html');
  writeFileSync(jsonPath, JSON.stringify({ generatedAt, settings: options.types, plan }, null, 2));
  writeFileSync(htmlPath, renderPlanHtml(plan, options.types, generatedAt));
  process.stdout.write(`${planSummary(plan, options.types)}\n\nPlan: ${htmlPath} (data: ${jsonPath})\n`);
  return 0;
}
