/**
 * Validator factory of the API server. Request bodies are validated with Ajv's `coerceTypes` off, while
 * the query string, path parameters and headers keep the server's `coerceTypes`. Those values arrive as
 * text, so `?max_points=600` needs coercion to become an integer. A JSON body carries its own types, and
 * coercion would accept `{"who": 5}` and store the text "5", or accept the text "5" as a weight.
 */
import AjvCompiler from '@fastify/ajv-compiler';

/** Fastify's own validator factory, which keeps one Ajv instance per set of shared schemas and options. */
const buildFromPool = AjvCompiler();

/** Builds the validator compiler of an encapsulation context from its shared schemas and the server's `ajv` option. */
export const buildApiValidator: AjvCompiler.ValidatorFactory = (externalSchemas, options) => {
  const coercing = buildFromPool(externalSchemas, options);
  // Ajv's JSON Type Definition mode has no type coercion, so one compiler serves every part.
  if (options?.mode === 'JTD') return coercing;
  const exact = buildFromPool(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: false },
  });
  return (route) => (route.httpPart === 'body' ? exact(route) : coercing(route));
};
