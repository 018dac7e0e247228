import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { containsNul } from '@parley/protocol';
import { AppError } from '../core/index.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats =
  (addFormatsModule as unknown as { default: typeof addFormatsModule }).default ?? addFormatsModule;

const common: Options = { allErrors: false, strict: false, removeAdditional: false, useDefaults: false };

/**
 * Bodies are validated without type coercion: `{"$ne":null}`, arrays or
 * numbers where a string is expected are 400s, never converted. Path and
 * query strings are text by nature, so there numbers and booleans are coerced.
 */
export function installValidators(app: FastifyInstance): void {
  const body = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: true });
  addFormats(body);
  addFormats(text);
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) =>
    (httpPart === 'body' ? body : text).compile(schema as object),
  );
  // U+0000 in any text: refused before validation, so no store ever sees it.
  app.addHook('preValidation', async (request) => {
    if (containsNul(request.body) || containsNul(request.query) || containsNul(request.params)) {
      throw new AppError('invalid_request', 'Text must not contain the NUL character (U+0000).');
    }
  });
  // Response schemas document the API (OpenAPI); serialisation stays plain JSON.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
