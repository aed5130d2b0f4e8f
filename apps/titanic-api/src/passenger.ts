/** A passenger as the Kaggle CSV has it: what the pipeline takes. Age, Fare and Embarked may be missing. */
export interface RawPassenger {
  Pclass: number;
  Sex: 'female' | 'male';
  Age?: number | null;
  SibSp: number;
  Parch: number;
  Fare?: number | null;
  Embarked?: 'C' | 'Q' | 'S' | null;
}

/** A passenger as the seed's requests send it: Sex and Embarked already one-hot encoded (pd.get_dummies). */
export interface OneHotPassenger {
  Pclass: number;
  Age?: number | null;
  SibSp: number;
  Parch: number;
  Fare?: number | null;
  Sex_female: 0 | 1;
  Sex_male: 0 | 1;
  Embarked_C: 0 | 1;
  Embarked_Q: 0 | 1;
  Embarked_S: 0 | 1;
}

/** Either form of one passenger. */
export type Passenger = RawPassenger | OneHotPassenger;

/** The request body of `POST /predict`: one passenger or a list of them. */
export type PredictInput = Passenger | Passenger[];

/** What `POST /predict` answers for one passenger. */
export interface SurvivalPrediction {
  /** The predicted class: 1 survived, 0 died. */
  survived: 0 | 1;
  /** The model's probability that the passenger survived (class 1). */
  probability: number;
  /** The seed's legend of `survived`. */
  message: string;
}

/** The seed's legend: "1 = survived, 0 = died". */
export const kSurvivalMessage = '1 = 생존, 0 = 사망';

/** The seed's first request body: a first-class woman from Cherbourg. */
export const kOneHotSurvivorExample: OneHotPassenger = {
  Pclass: 1,
  Age: 30,
  SibSp: 0,
  Parch: 0,
  Fare: 100,
  Sex_female: 1,
  Sex_male: 0,
  Embarked_C: 1,
  Embarked_Q: 0,
  Embarked_S: 0,
};

/** The seed's second request body: a third-class man from Southampton. */
export const kOneHotVictimExample: OneHotPassenger = {
  Pclass: 3,
  Age: 25,
  SibSp: 0,
  Parch: 0,
  Fare: 7,
  Sex_female: 0,
  Sex_male: 1,
  Embarked_C: 0,
  Embarked_Q: 0,
  Embarked_S: 1,
};

/** The first seed passenger in the raw form. */
export const kRawExample: RawPassenger = { Pclass: 1, Sex: 'female', Age: 30, SibSp: 0, Parch: 0, Fare: 100, Embarked: 'C' };

const kSexColumns = ['Sex_female', 'Sex_male'] as const;
const kEmbarkedColumns = ['Embarked_C', 'Embarked_Q', 'Embarked_S'] as const;
const kBit = { type: 'integer', enum: [0, 1] };
const kNullableNumber = { type: ['number', 'null'] };

/** JSON Schema of the one-hot form, in the seed's column order. */
export const kOneHotPassengerSchema = {
  title: 'OneHotPassenger',
  description: "The seed's request body: Sex and Embarked one-hot encoded; exactly one Sex_* is 1, at most one Embarked_* is 1 (none: port unknown).",
  type: 'object',
  properties: {
    Pclass: { type: 'number' },
    Age: kNullableNumber,
    SibSp: { type: 'number' },
    Parch: { type: 'number' },
    Fare: kNullableNumber,
    Sex_female: kBit,
    Sex_male: kBit,
    Embarked_C: kBit,
    Embarked_Q: kBit,
    Embarked_S: kBit,
  },
  required: ['Pclass', 'SibSp', 'Parch', ...kSexColumns, ...kEmbarkedColumns],
  additionalProperties: false,
  examples: [kOneHotSurvivorExample, kOneHotVictimExample],
} as const;

/** JSON Schema of the response: one prediction, or a list for a list. */
export const kPredictOutputSchema = (() => {
  const prediction = {
    title: 'SurvivalPrediction',
    type: 'object',
    properties: {
      survived: { type: 'integer', enum: [0, 1], description: '1 survived, 0 died' },
      probability: { type: 'number', minimum: 0, maximum: 1, description: 'probability of survival' },
      message: { type: 'string', const: kSurvivalMessage },
    },
    required: ['survived', 'probability', 'message'],
  };
  return {
    anyOf: [prediction, { type: 'array', items: prediction }],
    examples: [{ survived: 1, probability: 0.97, message: kSurvivalMessage }],
  };
})();

/** The columns only the one-hot form has. */
export const kOneHotColumns: readonly string[] = [...kSexColumns, ...kEmbarkedColumns];

/**
 * True when a passenger carries any of {@link kOneHotColumns}: it is then read as the one-hot form.
 * The names are written out: an `in` with a literal key is cached by V8, one in a loop over the
 * names is a lookup per column and passenger (a quarter of a 100-passenger request's decoding).
 */
export function hasOneHotColumn(item: object): boolean {
  return 'Sex_female' in item || 'Sex_male' in item || 'Embarked_C' in item || 'Embarked_Q' in item || 'Embarked_S' in item;
}

/** One contradiction of a one-hot passenger: the JSON Pointer of a field and what is wrong. */
export interface OneHotIssue {
  path: string;
  message: string;
  keyword: 'oneHot';
}

/**
 * The contradictions of a (schema-valid) one-hot passenger: not exactly one Sex_* at 1, or more than
 * one Embarked_* at 1. Each names its fields; `prefix` is the passenger's pointer in a list.
 */
export function findOneHotIssues(passenger: OneHotPassenger, prefix = ''): OneHotIssue[] {
  const issues: OneHotIssue[] = [];
  const sexes = kSexColumns.filter((column) => passenger[column] === 1);
  if (sexes.length !== 1) {
    const message = `exactly one of Sex_female and Sex_male must be 1 (both are ${sexes.length === 0 ? 0 : 1})`;
    for (const column of kSexColumns) issues.push({ path: `${prefix}/${column}`, message, keyword: 'oneHot' });
  }
  const ports = kEmbarkedColumns.filter((column) => passenger[column] === 1);
  if (ports.length > 1) {
    const message = `at most one of Embarked_C, Embarked_Q and Embarked_S may be 1 (${ports.join(' and ')} are 1)`;
    for (const column of ports) issues.push({ path: `${prefix}/${column}`, message, keyword: 'oneHot' });
  }
  return issues;
}

/**
 * Turns a one-hot passenger back into the raw columns the pipeline one-hot encodes itself, so both
 * forms go through the same fitted preprocessing. All Embarked_* at 0 (pd.get_dummies' encoding of
 * a missing port) becomes a missing Embarked, imputed like the raw form's null. Call it on a
 * passenger without {@link findOneHotIssues}.
 */
export function fromOneHot(passenger: OneHotPassenger): RawPassenger {
  const port = kEmbarkedColumns.find((column) => passenger[column] === 1);
  return {
    Pclass: passenger.Pclass,
    Sex: passenger.Sex_female === 1 ? 'female' : 'male',
    Age: passenger.Age ?? null,
    SibSp: passenger.SibSp,
    Parch: passenger.Parch,
    Fare: passenger.Fare ?? null,
    Embarked: port === undefined ? null : (port.slice('Embarked_'.length) as 'C' | 'Q' | 'S'),
  };
}
