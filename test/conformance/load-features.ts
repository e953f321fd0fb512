import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';

export const FEATURES_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'features');
/** The kit as the specification's main branch has it (Open Workflow Specification, error URIs on its domain). */
export const MAIN_FEATURES_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'features-main');

/** The kits Cairn runs: v1.0.3's (`features/`) and main's (`features-main/`). */
export const KITS = { 'v1.0.3': FEATURES_DIR, main: MAIN_FEATURES_DIR } as const;
export type KitName = keyof typeof KITS;

export interface ScenarioStep {
  text: string;
  /** The step's docstring, if any (workflow definitions, inputs, expected values). */
  docString?: string;
  /** 1-based line of the step in its feature file. */
  line: number;
}

export interface Scenario {
  feature: string;
  name: string;
  /** `features/call.feature:10` */
  location: string;
  steps: ScenarioStep[];
}

/** Every scenario of every `.feature` file in `directory`, in file then document order. */
export function loadScenarios(directory = FEATURES_DIR): Scenario[] {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.feature'))
    .sort();
  return files.flatMap((file) => parseFeature(readFileSync(join(directory, file), 'utf8'), join(directory, file)));
}

export function parseFeature(text: string, path: string): Scenario[] {
  const newId = IdGenerator.incrementing();
  const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(text);
  const feature = document.feature?.name ?? path;
  const shortPath = relative(join(FEATURES_DIR, '..'), path);
  const stepLines = new Map<string, number>();
  for (const child of document.feature?.children ?? []) {
    for (const step of [...(child.scenario?.steps ?? []), ...(child.background?.steps ?? [])]) stepLines.set(step.id, step.location.line);
  }
  return compile(document, path, newId).map((pickle) => ({
    feature,
    name: pickle.name,
    location: `${shortPath}:${pickle.location?.line ?? 0}`,
    steps: pickle.steps.map((step) => {
      const out: ScenarioStep = { text: step.text, line: stepLines.get(step.astNodeIds[0] ?? '') ?? 0 };
      const docString = step.argument?.docString?.content;
      if (docString !== undefined) out.docString = docString;
      return out;
    }),
  }));
}
