// Cairn's jq 1.8 engine on its own: compile once, evaluate many times, bounded by limits.
import { compile, evaluate, JqEvaluationError, JqSyntaxError } from 'cairn/jq';

console.log(`doubled ${JSON.stringify(evaluate('.a[] | . * 2', { a: [1, 2] }))}`);

const above = compile('.[] | select(. > $min)', { variables: ['min'], limits: { maxSteps: 10_000 } });
console.log(`above ${JSON.stringify(above.evaluate([1, 5, 9], { min: 4 }))}`);

try {
  compile('.a | (');
} catch (error) {
  if (error instanceof JqSyntaxError) console.log(`syntax error at ${error.location?.line}:${error.location?.column}`);
}

try {
  evaluate('[range(1e9)] | length', null, { limits: { maxSteps: 1_000 } });
} catch (error) {
  if (error instanceof JqEvaluationError) console.log('limit reached');
}
