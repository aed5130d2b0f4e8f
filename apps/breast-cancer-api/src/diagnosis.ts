/** One tumour: the 30 measurements under scikit-learn's names (`"mean radius"`, ...). */
export type TumourRecord = Record<string, number>;

/** What `POST /predict` answers per record: the seed's `predict_diagnosis` result. */
export interface Diagnosis {
  prediction: 'malignant' | 'benign' | (string & {});
  malignant_probability: number;
  benign_probability: number;
  /** The probability of the predicted class. */
  confidence: number;
  /**
   * Present when some measurements are negative (which no real measurement is) or outside the
   * training range: @mlserve/service's input warnings, measured against the model's stats.json.
   */
  warnings?: string[];
}
