import { readFileSync } from 'node:fs';
import { compileSchema } from '../validation';

const { generate } = require('../../scripts/generate-meta-validator.cjs') as { generate: () => string };

describe('the precompiled meta-schema validator', () => {
  it('is what the installed ajv generates (regenerate with node scripts/generate-meta-validator.cjs)', () => {
    const current = readFileSync(require.resolve('./meta-schema-validator.ts'), 'utf8');
    expect(current).toBe(generate());
  });

  it('rejects a schema that breaks the 2020-12 meta-schema, naming the keyword', () => {
    expect(() => compileSchema({ type: 'nmber' })).toThrow(/^schema is invalid: data\/type must be equal to one of the allowed values/);
    expect(() => compileSchema({ properties: 5 } as never)).toThrow('schema is invalid: data/properties must be object');
    expect(() => compileSchema({ type: 'array', items: [{ type: 'number' }] } as never)).toThrow('schema is invalid');
  });

  it('accepts valid schemas, draft-07 ones with their $schema dropped', () => {
    const validate = compileSchema({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'], properties: { a: { type: 'number', minimum: 0 } } });
    expect(validate({ a: 1 })).toBe(true);
    expect(validate({ a: -1 })).toBe(false);
  });
});
