import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioScript } from '../../src/scenarios/load-script.js';

const base = (steps: unknown[]) => JSON.stringify({ name: 't', clock: 0, steps }, null, 2);
const save = (id: string, importance = 0.5) => ({ op: 'save', id, importance });

describe('scenario script loader', () => {
  it('loads the bundled example', () => {
    const script = parseScenarioScript(
      readFileSync('examples/scenarios/example.json', 'utf8'),
      'example.json',
    );
    expect(script.steps).toHaveLength(10);
  });

  it('reports invalid JSON with line and column', () => {
    expect(() => parseScenarioScript('{\n  "name": "x",\n  "clock": 0,,\n}', 'bad.json')).toThrow(
      /^bad\.json:3:14: invalid JSON \(PropertyNameExpected\); fix the syntax at that position$/,
    );
    expect(() => parseScenarioScript('', 'empty.json')).toThrow(/^empty\.json:1:1: invalid JSON/);
    expect(() => parseScenarioScript('{"a": 1} // c', 'c.json')).toThrow(
      /invalid JSON \(InvalidCommentToken\)/,
    );
  });

  it('names an unknown op with its path and position, and lists the valid ones', () => {
    const text = base([save('a'), { op: 'delete', id: 'a' }]);
    expect(() => parseScenarioScript(text, 's.json')).toThrow(
      /^s\.json:11:13: steps\[1\]\.op: unknown op; use one of save, advance, touch, outcome, predict, crystallize, td, link, strengthen, weakenAll, query, assemble$/,
    );
  });

  it('rejects a reference to an id no earlier step saved', () => {
    expect(() => parseScenarioScript(base([save('a'), { op: 'touch', id: 'b' }]), 's.json')).toThrow(
      /steps\[1\]\.id: unknown id 'b': no earlier "save" step declares it/,
    );
    expect(() =>
      parseScenarioScript(
        base([save('a'), { op: 'query', label: 'q', weights: { decay: 1 }, limit: 5, relevance: { zz: 1 } }]),
        's.json',
      ),
    ).toThrow(/steps\[1\]\.relevance\.zz: unknown id 'zz'/);
  });

  it('rejects a duplicate id unless the save says update', () => {
    expect(() => parseScenarioScript(base([save('a'), save('a')]), 's.json')).toThrow(
      /steps\[1\]\.id: duplicate id 'a' \(first saved at steps\[0\]\); use a new id, or add "update": true/,
    );
    expect(
      parseScenarioScript(base([save('a'), { ...save('a'), update: true }]), 's.json').steps,
    ).toHaveLength(2);
  });

  it('rejects non-finite and out-of-range numbers with their JSON path', () => {
    const huge = base([{ op: 'save', id: 'a', importance: 1 }]).replace(
      '"importance": 1',
      '"importance": 1e999',
    );
    expect(() => parseScenarioScript(huge, 's.json')).toThrow(
      /^s\.json:8:21: steps\[0\]\.importance: not a finite number/,
    );
    expect(() => parseScenarioScript(base([{ op: 'advance', seconds: -5 }]), 's.json')).toThrow(
      /steps\[0\]\.seconds: out of range: must be >= 0/,
    );
    expect(() =>
      parseScenarioScript(
        base([save('a'), { op: 'query', label: 'q', weights: { decay: 1 }, limit: 0 }]),
        's.json',
      ),
    ).toThrow(/steps\[1\]\.limit: out of range: must be >= 1/);
    expect(() =>
      parseScenarioScript(base([{ op: 'save', id: 'a', importance: 1, cycles: [[0, 0.5]] }]), 's.json'),
    ).toThrow(/steps\[0\]\.cycles\[0\]\[0\]: out of range: must be > 0/);
  });

  it('rejects missing and unknown properties', () => {
    expect(() => parseScenarioScript(base([{ op: 'save', id: 'a' }]), 's.json')).toThrow(
      /steps\[0\]: missing required property 'importance'/,
    );
    expect(() => parseScenarioScript(base([{ ...save('a'), importanse: 1 }]), 's.json')).toThrow(
      /steps\[0\]\.importanse: unknown property/,
    );
    expect(() => parseScenarioScript('{"name": "t", "steps": []}', 's.json')).toThrow(
      /missing required property 'clock'/,
    );
  });

  it('checks query shapes and duplicate labels', () => {
    const q = { op: 'query', label: 'q', weights: { decay: 1 }, limit: 5 };
    expect(() => parseScenarioScript(base([save('a'), q, q]), 's.json')).toThrow(/duplicate query label 'q'/);
    expect(() =>
      parseScenarioScript(base([save('a'), { op: 'query', label: 'q', limit: 5 }]), 's.json'),
    ).toThrow(/a composite query needs "weights"/);
    expect(() => parseScenarioScript(base([save('a'), { op: 'link', a: 'a', b: 'a' }]), 's.json')).toThrow(
      /cannot be linked to itself/,
    );
  });
});

describe('assembler steps', () => {
  const script = (steps: unknown[]) => JSON.stringify({ name: 'a', clock: 0, steps });
  const save = { op: 'save', id: 'm1', importance: 0.5 };
  const assemble = { op: 'assemble', label: 'turn', weights: { decay: 1 } };
  it('checks labels, ids and the token budget', async () => {
    const { parseScenarioScript } = await import('../../src/scenarios/load-script.js');
    expect(
      parseScenarioScript(script([save, { ...assemble, exclude: ['m1'] }]), 'a.json').steps,
    ).toHaveLength(2);
    expect(() =>
      parseScenarioScript(
        script([save, assemble, { op: 'query', label: 'turn', limit: 3, weights: { decay: 1 } }]),
        'a.json',
      ),
    ).toThrow(/steps\[2\]\.label: duplicate query label 'turn' \(first used at steps\[1\]\)/);
    expect(() => parseScenarioScript(script([save, { ...assemble, exclude: ['m2'] }]), 'a.json')).toThrow(
      /steps\[1\]\.exclude\[0\]: unknown id 'm2'/,
    );
    expect(() => parseScenarioScript(script([save, { ...assemble, tokens: { m1: 3 } }]), 'a.json')).toThrow(
      /steps\[1\]\.tokens: "tokens" counts toward a budget: give "maxTokens" too, or drop them/,
    );
    expect(() => parseScenarioScript(script([save, { op: 'assemble', label: 'x' }]), 'a.json')).toThrow(
      /steps\[1\]/,
    );
  });
});

describe('policy steps', () => {
  const script = (steps: unknown[]) => JSON.stringify({ name: 'p', clock: 0, steps });
  it('declares a crystallised policy for later steps, once, with no more successes than events', async () => {
    const { parseScenarioScript } = await import('../../src/scenarios/load-script.js');
    const crystallize = { op: 'crystallize', id: 'p1', fingerprint: 'f1', successes: 6, total: 6 };
    expect(
      parseScenarioScript(script([crystallize, { op: 'td', id: 'p1', reward: 1, maxFutureQ: 0.5 }]), 'p.json')
        .steps,
    ).toHaveLength(2);
    // A group is offered batch after batch under one id and fingerprint.
    expect(parseScenarioScript(script([crystallize, crystallize]), 'p.json').steps).toHaveLength(2);
    expect(() =>
      parseScenarioScript(script([crystallize, { ...crystallize, fingerprint: 'f2' }]), 'p.json'),
    ).toThrow(
      /steps\[1\]\.fingerprint: 'p1' was offered under fingerprint 'f1' before; one \(fingerprint, action\) group keeps one id/,
    );
    expect(() =>
      parseScenarioScript(script([{ op: 'save', id: 'p1', importance: 0.5 }, crystallize]), 'p.json'),
    ).toThrow(/steps\[1\]\.id: 'p1' is a record saved at steps\[0\]; a PolicyEntry needs an id of its own/);
    expect(() => parseScenarioScript(script([{ ...crystallize, successes: 7 }]), 'p.json')).toThrow(
      /steps\[0\]\.successes: 7 successes out of 6 events; successes cannot exceed the total/,
    );
    expect(() => parseScenarioScript(script([{ op: 'td', id: 'p9', reward: 1 }]), 'p.json')).toThrow(
      /steps\[0\]\.id: unknown id 'p9'/,
    );
  });
});
