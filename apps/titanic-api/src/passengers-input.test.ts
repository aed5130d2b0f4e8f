import { passengers } from './passengers-input';

// The raw schema as @mlserve/pipeline derives it for the titanic pipeline.
const kRawSchema = {
  type: 'object',
  properties: {
    Pclass: { type: 'number' },
    Sex: { type: 'string', enum: ['female', 'male'] },
    Age: { type: ['number', 'null'] },
    SibSp: { type: 'number' },
    Parch: { type: 'number' },
    Fare: { type: ['number', 'null'] },
    Embarked: { type: ['string', 'null'] },
  },
  required: ['Pclass', 'Sex', 'SibSp', 'Parch'],
  additionalProperties: true,
};
const kOneHot = { Pclass: 3, Age: 25, SibSp: 0, Parch: 0, Fare: 7, Sex_female: 0, Sex_male: 1, Embarked_C: 0, Embarked_Q: 0, Embarked_S: 1 };
const kRaw = { Pclass: 1, Sex: 'female', Age: 30, SibSp: 0, Parch: 0, Fare: 100, Embarked: 'C' };

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return ((err as { details: Array<{ path: string }> }).details ?? []).map((issue) => issue.path);
  }
  throw new Error('expected a validation error');
}

describe('passengers()', () => {
  const input = passengers(kRawSchema);

  it('hands the handler a list of raw passengers, and says when one was sent', () => {
    expect(input.decode(kRaw)).toEqual({ value: [kRaw], single: true });
    expect(input.decodeRaw(JSON.stringify([kOneHot, kRaw]))).toEqual({
      value: [{ Pclass: 3, Sex: 'male', Age: 25, SibSp: 0, Parch: 0, Fare: 7, Embarked: 'S' }, kRaw],
      single: false,
    });
  });

  it('validates each passenger against its own form only', () => {
    expect(issuesOf(() => input.decode({ ...kRaw, Sex_female: 1 }))).toEqual(expect.arrayContaining(['/Sex']));
    expect(issuesOf(() => input.decode({ ...kRaw, Cabin: 'C85' }))).toEqual(['/Cabin']);
    expect(issuesOf(() => input.decode([kRaw, { ...kOneHot, Sex_male: 0 }, { Pclass: 'first' }]))).toEqual([
      '/1/Sex_female',
      '/1/Sex_male',
      '/2/Sex',
      '/2/SibSp',
      '/2/Parch',
      '/2/Pclass',
    ]);
  });

  it('refuses an empty list and a body that is not a passenger', () => {
    expect(issuesOf(() => input.decode([]))).toEqual(['/']);
    expect(issuesOf(() => input.decode('Jack'))).toEqual(['/']);
  });

  it('lists at most 50 issues, stopping there, and refuses more than 10,000 passengers with 413', () => {
    let err: { details: unknown[]; message: string; truncated?: boolean } | undefined;
    try {
      input.decodeRaw(`[${Array(9_000).fill('{}').join(',')}]`);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.details).toHaveLength(50);
    expect(err?.message).toMatch(/and more \(validation stopped early\)$/);
    expect(err?.truncated).toBe(true);
    // One passenger with 200 unknown columns: capped too.
    const wide = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`extra${i}`, i]));
    expect(issuesOf(() => input.decode({ ...kRaw, ...wide }))).toHaveLength(50);
    expect(() => input.decode(Array(10_001).fill(kRaw))).toThrow(expect.objectContaining({ code: 'MLS_ERR_IO_TOO_MANY_RECORDS', statusCode: 413 }));
    expect(input.decode(Array(10_000).fill(kRaw)).value).toHaveLength(10_000);
  });

  it('documents both forms, one or many', () => {
    const schema = input.schema() as { oneOf: Array<{ oneOf?: Array<{ title: string }>; type?: string }> };
    expect(schema.oneOf[0]!.oneOf!.map((s) => s.title)).toEqual(['Passenger', 'OneHotPassenger']);
    expect(schema.oneOf[1]!.type).toBe('array');
  });
});
