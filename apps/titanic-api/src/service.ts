import { createTitanicService } from './create-service';

/**
 * The Titanic survival service, served by `mlserve serve src/service.ts:svc`. It serves the latest
 * `titanic_model` of the store ($MLSERVE_HOME or ~/.mlserve): run `pnpm save` first.
 */
export const svc = await createTitanicService();
