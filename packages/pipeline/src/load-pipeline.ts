import { Pipeline } from './pipeline';

/**
 * Loads a fitted pipeline from its pipeline.json (already parsed): an alias of
 * `Pipeline.fromJSON`, named as a verb for the callers that only load.
 */
export function loadPipeline(json: unknown): Pipeline {
  return Pipeline.fromJSON(json);
}
