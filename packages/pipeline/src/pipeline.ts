import { type Column, type ColumnKind, createRawColumn } from './column';
import type { NamedStep } from './column-transformer';
import { createPipelineError } from './errors';
import { type InputJSON, type PipelineJSON, createFormatError, joinPath, kPipelineFormat, readArray, readEnum, readObject, readString } from './format';
import { type JSONSchema, buildInputSchema } from './input-schema';
import { createRecordError, createTypeError } from './input-errors';
import { Program } from './program';
import { readStep } from './read-step';
import { type ColumnValues, type FitContext, type Step, createApplyContext, isStep, kApply, kFit, kToJSON, nameSteps } from './step';

/** The float32 matrix a transform produces, row-major: `data[row * shape[1] + column]`. */
export interface TransformResult {
  data: Float32Array;
  shape: [number, number];
}

interface Fitted {
  inputs: InputJSON[];
  outputs: Column[];
  program: Program;
  schema: JSONSchema | null;
}

/**
 * scikit-learn's Pipeline of preprocessing steps: fits on raw JSON records and turns records into
 * the float32 matrix a model takes, exactly as scikit-learn's float64 transform cast to float32.
 *
 * @example
 * const pipeline = new Pipeline([['imputer', new SimpleImputer({ strategy: 'median' })], ['scaler', new StandardScaler()]]);
 * pipeline.fit([{ age: 22 }, { age: null }, { age: 38 }]);
 * pipeline.transform([{ age: 30 }]); // { data: Float32Array [ 0.3922... ], shape: [1, 1] }
 */
export class Pipeline {
  /** The steps with their names (scikit-learn's `named_steps`, in order). */
  readonly namedSteps: ReadonlyArray<NamedStep>;
  private state: Fitted | null = null;

  constructor(steps: Step[] | Array<[string, Step]>) {
    if (!Array.isArray(steps) || steps.length === 0) throw new TypeError('steps must be a non-empty array of transformers or [name, transformer] pairs');
    let named: NamedStep[];
    if (steps.every(isStep)) {
      const names = nameSteps(steps as Step[]);
      named = (steps as Step[]).map((step, i) => ({ name: names[i]!, step }));
    } else {
      named = steps.map((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || pair[0] === '' || !isStep(pair[1])) {
          throw new TypeError(`steps[${i}] must be a transformer or a [name, transformer] pair`);
        }
        return { name: pair[0], step: pair[1] };
      });
    }
    const seen = new Set<string>();
    named.forEach(({ name }, i) => {
      if (seen.has(name)) throw new TypeError(`steps[${i}] repeats the step name "${name}"`);
      seen.add(name);
    });
    this.namedSteps = named;
  }

  /** Reads and validates a pipeline.json (`mlserve.pipeline/v1`); errors name the bad JSON path. */
  static fromJSON(json: unknown): Pipeline {
    const root = readObject(json, '');
    if (root.format !== kPipelineFormat) {
      throw createFormatError('format', `must be "${kPipelineFormat}", got ${JSON.stringify(root.format) ?? 'nothing'}`);
    }
    const seen = new Set<string>();
    const inputs = readArray(root.inputs, 'inputs').map((raw, i): InputJSON => {
      const at = joinPath('inputs', i);
      const input = readObject(raw, at);
      const name = readString(input.name, joinPath(at, 'name'), true);
      if (seen.has(name)) throw createFormatError(joinPath(at, 'name'), `repeats the input "${name}"`);
      seen.add(name);
      return { name, type: readEnum(input.type, ['number', 'string'] as const, joinPath(at, 'type')) };
    });
    const steps = readArray(root.steps, 'steps');
    if (steps.length === 0) throw createFormatError('steps', 'must hold at least one step');
    const named = steps.map((s, i) => readStep(s, joinPath('steps', i)));
    const pipeline = new Pipeline(named.map((s) => [s.name, s.step] as [string, Step]));
    const raise = (path: string, message: string): never => {
      throw createFormatError(path, message);
    };
    pipeline.compile(inputs, (columns, i) => named[i]!.step[kApply](columns, createApplyContext(joinPath('steps', i), raise)), raise);
    return pipeline;
  }

  /** True once fitted or loaded. */
  get fitted(): boolean {
    return this.state !== null;
  }

  /** The raw input columns, in order (scikit-learn's `feature_names_in_`). */
  get featureNamesIn(): string[] {
    return this.fittedState().inputs.map((c) => c.name);
  }

  /** The output column names (scikit-learn's `get_feature_names_out()`). */
  get featureNames(): string[] {
    return this.fittedState().outputs.map((c) => c.name);
  }

  /**
   * Fits every step, in order, on raw records (objects keyed by column name; missing values are
   * null, an absent key or NaN). The input columns are the records' keys in order of appearance,
   * typed number or string from their values.
   */
  fit(records: Array<Record<string, unknown>>): this {
    if (!Array.isArray(records)) throw new TypeError('records must be an array of objects');
    if (records.length === 0) throw new RangeError('records must hold at least one record to fit on');
    this.state = null;
    const inputs = inferInputs(records);
    const ctx = createFitContext(records);
    const raise = (_path: string, message: string): never => {
      throw new TypeError(message);
    };
    this.compile(
      inputs,
      (columns, i) => {
        const { step, name } = this.namedSteps[i]!;
        step[kFit](columns, ctx);
        return step[kApply](columns, createApplyContext(name, raise));
      },
      raise,
    );
    return this;
  }

  /**
   * Turns records into the model's input matrix. Throws an MlserveError naming the row index and
   * column for a missing column, a value of the wrong type, an unknown category (handleUnknown
   * 'error') or a missing value that no imputer fills.
   */
  transform(records: Array<Record<string, unknown>>): TransformResult {
    const { program, outputs } = this.fittedState();
    if (!Array.isArray(records)) throw new TypeError('records must be an array of objects');
    const d = outputs.length;
    const data = new Float32Array(records.length * d);
    for (let row = 0; row < records.length; row++) program.write(records[row], row, data, row * d);
    return { data, shape: [records.length, d] };
  }

  /** The fast path for one record: `transform([record])` without the array. */
  transformOne(record: Record<string, unknown>): TransformResult {
    const { program, outputs } = this.fittedState();
    const data = new Float32Array(outputs.length);
    program.write(record, 0, data, 0);
    return { data, shape: [1, outputs.length] };
  }

  /**
   * The JSON Schema of one raw record: each input column with its type, `enum` where unknown
   * categories are refused, nullable and optional where a missing value is accepted (an imputer
   * covers it), required otherwise; other properties allowed.
   */
  inputSchema(): JSONSchema {
    const state = this.fittedState();
    state.schema ??= buildInputSchema(
      state.inputs.map((c) => ({ name: c.name, kind: c.type })),
      state.program.nodes,
      state.outputs.map((c) => c.node),
    );
    return structuredClone(state.schema);
  }

  /** The fitted pipeline in the `mlserve.pipeline/v1` format (FORMAT.md). */
  toJSON(): PipelineJSON {
    const { inputs } = this.fittedState();
    return {
      format: kPipelineFormat,
      inputs: inputs.map((c) => ({ ...c })),
      steps: this.namedSteps.map(({ name, step }) => step[kToJSON](name)),
    };
  }

  private fittedState(): Fitted {
    if (this.state === null) {
      throw createPipelineError('MLS_ERR_PIPELINE_NOT_FITTED', 'The pipeline is not fitted: call fit(records) or load it with Pipeline.fromJSON()');
    }
    return this.state;
  }

  private compile(inputs: InputJSON[], applyStep: (columns: Column[], index: number) => Column[], raise: (path: string, message: string) => never): void {
    let columns = inputs.map((c) => createRawColumn(c.name, c.type));
    this.namedSteps.forEach((_, i) => {
      columns = applyStep(columns, i);
    });
    for (const column of columns) {
      if (column.kind !== 'number') {
        raise('steps', `output column "${column.name}" holds strings: encode it (OneHotEncoder) or drop it`);
      }
    }
    this.state = { inputs, outputs: columns, program: new Program(columns.map((c) => c.node)), schema: null };
  }
}

/** Input columns of the fit records: keys in order of appearance, typed by their values. */
function inferInputs(records: Array<Record<string, unknown>>): InputJSON[] {
  const kinds = new Map<string, ColumnKind | null>();
  records.forEach((record, row) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw createRecordError(row, record);
    for (const key of Object.keys(record)) {
      const value = record[key];
      let kind: ColumnKind | null;
      if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) kind = null;
      else if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw createTypeError(row, key, 'a finite number', value);
        kind = 'number';
      } else if (typeof value === 'string') kind = 'string';
      else throw createTypeError(row, key, 'a number or a string', value);
      const known = kinds.get(key);
      if (known === undefined || known === null) kinds.set(key, kind);
      else if (kind !== null && kind !== known) {
        throw createTypeError(row, key, `a ${known} like the records before`, value);
      }
    }
  });
  // A column missing everywhere has no type to learn; number is scikit-learn's float NaN column.
  return [...kinds].map(([name, kind]) => ({ name, type: kind ?? 'number' }));
}

/** Computes columns' values over the fit records by running the steps fitted so far. */
function createFitContext(records: Array<Record<string, unknown>>): FitContext {
  return {
    values(columns: readonly Column[]): ColumnValues[] {
      const program = new Program(columns.map((c) => c.node));
      const out: ColumnValues[] = columns.map((c) => (c.kind === 'number' ? new Float64Array(records.length) : new Array<string | null>(records.length)));
      records.forEach((record, row) => {
        program.run(record, row);
        columns.forEach((_column, j) => {
          const reg = program.outputs[j]!;
          const target = out[j]!;
          if (target instanceof Float64Array) target[row] = program.num[reg]!;
          else target[row] = program.str[reg]!;
        });
      });
      return out;
    },
  };
}
