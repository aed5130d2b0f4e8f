import { ModelStore, type ModelRef } from '@mlserve/model-store';
import { createContext, println, type CommandOptions } from '../../context';
import { confirmDeletion, type Confirm } from '../../prompt';

/** Options of `mlserve models delete <tag>`. */
export interface DeleteModelOptions extends CommandOptions {
  tag: string;
  /** Skip the question (`-y`). */
  yes?: boolean;
  /** Whether a person can answer; defaults to stdin and stdout being terminals. */
  interactive?: boolean;
  /** Asks the question; defaults to a terminal prompt. */
  confirm?: Confirm;
}

/**
 * Deletes one model version. Asks first on a terminal; without a terminal it refuses unless `yes`
 * is set, because a script must say explicitly that it means to delete.
 */
export async function deleteModel(options: DeleteModelOptions): Promise<ModelRef> {
  const ctx = createContext(options);
  const store = new ModelStore({ root: ctx.home });
  const model = await store.get(options.tag, { verify: false }); // a damaged model must stay deletable
  await confirmDeletion(`Delete model ${model.tag}?`, options);
  const ref = await store.delete(model.tag);
  println(ctx.stdout, `Deleted model ${ref.tag}`);
  return ref;
}
