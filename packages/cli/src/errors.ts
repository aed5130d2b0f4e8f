import { defineErrors } from '@mlserve/errors';

/** Every error code the CLI raises itself, with its HTTP-style status and default message. */
export const kCliErrors = {
  MLS_ERR_CLI_USAGE: { status: 400, message: 'Invalid arguments' },
  MLS_ERR_CLI_FILE_NOT_FOUND: { status: 404, message: 'File not found' },
  MLS_ERR_CLI_CONFIRM_REQUIRED: { status: 400, message: 'Refusing to delete without confirmation' },
  MLS_ERR_CLI_ABORTED: { status: 400, message: 'Aborted by the user' },
  MLS_ERR_CLI_SERVICE_LOAD: { status: 500, message: 'The service module failed to load' },
  MLS_ERR_CLI_SERVICE_EXPORT: { status: 400, message: 'The module does not export a service' },
  MLS_ERR_CLI_SERVE_TARGET: { status: 404, message: 'Nothing to serve at this target' },
  MLS_ERR_CLI_PORT_IN_USE: { status: 409, message: 'The port is already in use' },
  MLS_ERR_CLI_BUILD_FILE: { status: 400, message: 'Invalid build file' },
  MLS_ERR_CLI_BUNDLE: { status: 500, message: 'Bundling the service failed' },
  MLS_ERR_CLI_OUTPUT_EXISTS: { status: 409, message: 'The output directory is not empty' },
  MLS_ERR_CLI_BENTO_NOT_FOUND: { status: 404, message: 'Bento not found' },
  MLS_ERR_CLI_BENTO_INVALID: { status: 422, message: 'Invalid bento' },
  MLS_ERR_CLI_BENTO_EXISTS: { status: 409, message: 'A bento with this tag already exists' },
  MLS_ERR_CLI_INVALID_ARCHIVE: { status: 400, message: 'Not a valid bento archive' },
  MLS_ERR_CLI_DOCKER_UNAVAILABLE: { status: 503, message: 'No Docker engine is available' },
  MLS_ERR_CLI_DOCKER_BUILD: { status: 500, message: 'docker build failed' },
  MLS_ERR_CLI_INPUT_FORMAT: { status: 400, message: 'Unsupported input file' },
  MLS_ERR_CLI_ROWS_REJECTED: { status: 422, message: 'Some rows were rejected' },
  MLS_ERR_CLI_EXPORTER_UNAVAILABLE: { status: 503, message: 'No Python with the scikit-learn exporter was found' },
  MLS_ERR_CLI_EXPORT_FAILED: { status: 422, message: 'The scikit-learn exporter failed' },
  MLS_ERR_CLI_CHECK_FAILED: { status: 422, message: 'A required item of the deployment checklist failed' },
  MLS_ERR_CLI_CRASH_LOOP: { status: 500, message: 'API workers keep crashing' },
} as const;

/** A code of the CLI's error table. */
export type CliErrorCode = keyof typeof kCliErrors;

/** Creates an MlserveError from the CLI's table. */
export const createCliError = defineErrors(kCliErrors);
