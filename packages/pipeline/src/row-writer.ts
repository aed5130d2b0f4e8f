import type { MlserveError } from '@mlserve/errors';
import type { Node } from './column';
import { createDomainError, createMissingError, createRecordError, createTypeError, createUnknownError, hasKey } from './input-errors';
import { applyFunction, kFunctions } from './numpy-function';

/** Writes one record's outputs, as float32, at `data[offset...]`; throws the input errors naming `row`. */
export type RowWriter = (record: unknown, row: number, data: Float32Array, offset: number) => void;

/** The error for a NaN output of `node`; `input` is the value its input computed (an ordinal's category index). */
export type OutputError = (node: Node, record: unknown, row: number, input: number) => MlserveError;

// Past this many nodes the generated function would be too large for V8 to optimize; the
// interpreter (Program.run) is then the faster of the two.
const kMaxNodes = 600;

const kHelpers = { createDomainError, createMissingError, createRecordError, createTypeError, createUnknownError, hasKey, applyFunction, kFunctions };

/**
 * Compiles the nodes (topologically sorted) into one JavaScript function per pipeline, the same
 * steps as Program.run in the same order, so the same first error is thrown. What it gains: each
 * raw column is read by a load of its own (`record[k3]`, one key per site, which V8 caches like
 * `record.Age`) instead of one keyed load for every column, and the steps are straight-line code
 * over local variables instead of a switch over an instruction list. Names and constants reach the
 * code as values, never as source text. Undefined when code cannot be generated (a large graph,
 * or `--disallow-code-generation-from-strings`): the caller keeps the interpreter.
 */
export function compileRowWriter(nodes: readonly Node[], outputs: Int32Array, outputError: OutputError): RowWriter | undefined {
  if (nodes.length > kMaxNodes) return undefined;
  const reg = new Map<Node, number>(nodes.map((node, i) => [node, i]));
  const constants: unknown[] = [];
  const constant = (value: unknown): string => {
    constants.push(value);
    return `c${constants.length - 1}`;
  };
  const r = (node: Node): string => `r${reg.get(node)!}`;
  const body: string[] = [];
  nodes.forEach((node, i) => {
    const out = `r${i}`;
    const source = constant(node.source);
    const missing = `throw H.createMissingError(rec, row, ${source});`;
    switch (node.op) {
      case 'raw':
        body.push(`v = rec[${source}];`);
        if (node.kind === 'number') {
          body.push(
            `if (typeof v === 'number') { if (v - v === 0 || v !== v) ${out} = v; else throw H.createTypeError(row, ${source}, 'a finite number', v); }`,
            `else if (v === undefined || v === null || !H.hasKey(rec, ${source})) ${out} = NaN;`,
            `else throw H.createTypeError(row, ${source}, 'a number', v);`,
          );
        } else {
          body.push(
            `if (typeof v === 'string') ${out} = v;`,
            `else if (v === undefined || v === null || (typeof v === 'number' && v !== v) || !H.hasKey(rec, ${source})) ${out} = null;`,
            `else throw H.createTypeError(row, ${source}, 'a string', v);`,
          );
        }
        break;
      case 'impute':
        body.push(
          typeof node.fill === 'number'
            ? `${out} = ${r(node.input)} !== ${r(node.input)} ? ${constant(node.fill)} : ${r(node.input)};`
            : `${out} = ${r(node.input)} === null ? ${constant(node.fill)} : ${r(node.input)};`,
        );
        break;
      case 'standard':
        body.push(`x = ${r(node.input)};`, `if (x !== x) ${missing}`);
        if (node.mean !== null) body.push(`x -= ${constant(node.mean)};`);
        if (node.scale !== null) body.push(`x /= ${constant(node.scale)};`);
        body.push(`${out} = x;`);
        break;
      case 'minmax':
        body.push(`x = ${r(node.input)};`, `if (x !== x) ${missing}`, `x = x * ${constant(node.scale)} + ${constant(node.min)};`);
        if (node.clip) {
          const [lo, hi] = [constant(node.clip[0]), constant(node.clip[1])];
          body.push(`x = x < ${lo} ? ${lo} : x > ${hi} ? ${hi} : x;`);
        }
        body.push(`${out} = x;`);
        break;
      case 'onehot': {
        const input = r(node.input);
        const isMissing = node.input.kind === 'number' ? `${input} !== ${input}` : `${input} === null`;
        body.push(`k = ${isMissing} ? ${constant(node.nullIndex)} : (${constant(node.index)}.get(${input}) ?? -1);`);
        if (!node.ignoreUnknown) body.push(`if (k < 0) { if (${isMissing}) ${missing} throw H.createUnknownError(row, ${constant(node)}, ${input}); }`);
        body.push(`${out} = k;`);
        break;
      }
      case 'slot':
        body.push(`${out} = ${r(node.input)} === ${constant(node.category)} ? 1 : 0;`);
        break;
      case 'ordinal':
        body.push(`k = ${r(node.input)};`, `${out} = k < 0 ? ${constant(node.unknown)} : k === ${constant(node.input.nullIndex)} ? ${constant(node.missing)} : k;`);
        break;
      case 'function': {
        const code = constant(kFunctions.indexOf(node.func));
        body.push(
          `x = ${r(node.input)};`,
          `if (x !== x) ${out} = x;`,
          `else { const y = H.applyFunction(${code}, x); if (y - y !== 0) throw H.createDomainError(row, ${source}, H.kFunctions[${code}], x); ${out} = y; }`,
        );
        break;
      }
      case 'bin': {
        const edges = constant(node.edges);
        body.push(`x = ${r(node.input)};`, `if (x !== x) ${missing}`, `k = 0;`, `while (k < ${edges}.length && ${edges}[k] <= x) k++;`, `${out} = k;`);
        break;
      }
      case 'product':
        body.push('p = 1;');
        // From the last factor to the first, as PolynomialFeatures multiplies (1 * x is exactly x).
        for (let j = node.inputs.length - 1; j >= 0; j--) {
          const factor = node.inputs[j]!;
          body.push(`x = ${r(factor)};`, `if (x !== x) throw H.createMissingError(rec, row, ${constant(factor.source)});`, 'p *= x;');
        }
        body.push(`${out} = p;`);
        break;
      case 'constant':
        body.push(`${out} = ${constant(node.value)};`);
        break;
    }
  });
  for (let j = 0; j < outputs.length; j++) {
    const node = nodes[outputs[j]!]!;
    const input = 'input' in node && reg.has(node.input) ? r(node.input) : 'NaN';
    body.push(`x = r${outputs[j]!};`, `if (x !== x) throw E(${constant(node)}, rec, row, ${input});`, `data[offset + ${j}] = x;`);
  }
  const source = [
    '"use strict";',
    ...constants.map((_, i) => `const c${i} = C[${i}];`),
    'return function writeRow(rec, row, data, offset) {',
    `if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw H.createRecordError(row, rec);`,
    `let v, x, k, p${nodes.map((_, i) => `, r${i}`).join('')};`,
    ...body,
    '};',
  ].join('\n');
  try {
    return new Function('C', 'H', 'E', source)(constants, kHelpers, outputError) as RowWriter;
  } catch {
    return undefined;
  }
}
