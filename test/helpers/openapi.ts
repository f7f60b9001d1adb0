/**
 * Validates request bodies against GitHub's published REST description (@octokit/openapi, from the npm
 * registry), so the layer's requests are checked against the real schema, not against our own guess.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

interface Operation {
  requestBody?: { content?: Record<string, { schema?: object }> };
}
type Spec = { paths: Record<string, Record<string, Operation>> };

let spec: Spec | undefined;
const compiled = new Map<string, ValidateFunction | null>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function load(): Spec {
  if (!spec) {
    const path = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.deref.json',
    );
    spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
  }
  return spec;
}

/** The OpenAPI path template that a concrete path matches, e.g. /repos/{owner}/{repo}/check-runs. */
function template(path: string, paths: readonly string[]): string | undefined {
  return paths.find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
}

/** Errors of a request body against the published schema; [] when it conforms. */
export function schemaErrors(method: string, path: string, body: unknown): string[] {
  const { paths } = load();
  const t = template(path, Object.keys(paths));
  if (!t) return [`no operation ${method} ${path} in GitHub's REST description`];
  const key = `${method.toLowerCase()} ${t}`;
  if (!compiled.has(key)) {
    const schema = paths[t]![method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
    compiled.set(key, schema ? ajv.compile(schema) : null);
  }
  const validate = compiled.get(key);
  if (!validate) return [];
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath} ${e.message}`);
}
