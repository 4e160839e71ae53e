import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../firmware-sim/scenario/load-scenario.js';
import { runSim, type SimOptions, type SimOutcome } from '../../gateway/cli/commands/sim.js';

/** Path of an example scenario by name. */
export function examplePath(name: string): string {
  return fileURLToPath(new URL(`../../examples/scenarios/${name}.yaml`, import.meta.url));
}

/** Runs an example against the embedded gateway and collects the printed lines. */
export async function runExample(
  name: string,
  overrides: Partial<SimOptions> = {},
): Promise<{ outcome: SimOutcome; lines: string[] }> {
  const lines: string[] = [];
  const outcome = await runSim({ scenario: examplePath(name), expect: true, ...overrides }, (line) => lines.push(line));
  return { outcome, lines };
}

/** Declares one test per expectation of an example, run once in `beforeAll` by the caller through `result`. */
export function describeExpectations(name: string, result: () => SimOutcome | undefined): void {
  const scenario = loadScenario(examplePath(name));
  describe('expectations', () => {
    scenario.expectations.forEach((expectation, index) => {
      const title = `${expectation.expect} #${index + 1}${'asset' in expectation && expectation.asset ? ` on ${expectation.asset}` : ''}`;
      it(title, () => {
        const outcome = result();
        expect(outcome, 'scenario run did not finish').toBeDefined();
        const checked = outcome!.results[index]!;
        expect(checked.pass, `${checked.name}: ${checked.detail}`).toBe(true);
      });
    });
  });
}
