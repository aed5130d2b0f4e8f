/** One tumour: the 30 measurements under scikit-learn's names (`"mean radius"`, ...). */
export type TumourRecord = Record<string, number>;

/** What `POST /predict` answers per record: the seed's `predict_diagnosis` result. */
export interface Diagnosis {
  prediction: 'malignant' | 'benign' | (string & {});
  malignant_probability: number;
  benign_probability: number;
  /** The probability of the predicted class. */
  confidence: number;
  /** Present when some measurements are negative, which no real measurement is. */
  warnings?: string[];
}

/**
 * The warnings half of the seed's `validate_input`: one per negative measurement, naming the
 * feature. (Its other half, missing features, is the request schema's: a 400 naming all of them.)
 */
export function findNegativeValues(record: Record<string, unknown>, features: readonly string[]): string[] {
  return features
    .filter((feature) => typeof record[feature] === 'number' && (record[feature] as number) < 0)
    .map((feature) => `${feature} has a negative value: ${record[feature]}`);
}
