// Load, validate and run a workflow in this process with the `cairn` library API.
import { EVENT_TYPES, loadWorkflow, runWorkflow, validateWorkflow, WorkflowLoadError } from 'cairn';

const text = `
document: { dsl: '1.0.0', namespace: examples, name: greet, version: '1.0.0' }
do:
  - greet:
      set:
        greeting: \${ "Hello, " + .name }
`;

// Validation as data: every issue with its file, line, column and JSON pointer.
const checked = validateWorkflow('document: { dsl: 1.0.0 }\ndo: []\n', { fileName: 'broken.yaml' });
if (!checked.valid) for (const issue of checked.issues) console.log(`issue ${issue.file}:${issue.line}:${issue.column} ${issue.message}`);

// loadWorkflow throws WorkflowLoadError (with the same issues) for a bad document.
try {
  loadWorkflow('do: 3', { fileName: 'worse.yaml' });
} catch (error) {
  if (error instanceof WorkflowLoadError) console.log(`load error with ${error.issues.length} issue(s)`);
}

const document = loadWorkflow(text, { fileName: 'greet.yaml' });
const events = [];
const result = await runWorkflow(document, {
  input: { name: 'Ada' },
  onEvent: (event) => events.push(event.type),
  signal: AbortSignal.timeout(30_000),
  limits: { maxSteps: 100_000 },
});
console.log(`status ${result.status}`);
console.log(`output ${JSON.stringify(result.output)}`);
console.log(`events ${events.length}, workflow completed: ${events.includes(EVENT_TYPES.workflowCompleted)}`);
