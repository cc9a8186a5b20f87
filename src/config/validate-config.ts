/**
 * Validates a parsed config object against the JSON Schema (ajv) and turns the first meaningful
 * error into one DlpackError('CONFIG') naming the key, with a short correct example as the hint:
 * unknown keys read "Unknown option x" (like size-limit), with a "did you mean" when one is close.
 */
import type { ErrorObject } from 'ajv';
import { closest } from '../core/errors/did-you-mean.js';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { CONFIG_SCHEMA } from './config-schema.js';
import type { DlpackConfig } from './config-types.js';

const EXAMPLES: Record<string, string> = {
  '': '{"models": [{"model": "model.onnx", "targets": ["aws-lambda"], "memory": [1024], "budgets": {"zipped": "45 MB", "warmP50": "50 ms"}}]}',
  models: '"models": [{"model": "model.onnx", "targets": ["aws-lambda"], "memory": [1024]}]',
  model: '{"model": "model.onnx", "targets": ["aws-lambda"], "memory": [512, 1024], "budgets": {"zipped": "45 MB"}}',
  budgets: '"budgets": {"zipped": "45 MB", "coldP50": "1 s", "warmP50": {"limit": "50 ms", "level": "warn"}, "peakMemory": "80%", "costPer1M": "$0.50"}',
  targets: '"targets": ["aws-lambda", "gcp-functions"]',
  memory: '"memory": [512, 1024, 1769]',
  arch: '"arch": "arm64"',
  tolerance: '"tolerance": "5%"',
  regression: '"regression": {"max": "10%", "level": "error"}',
  bench: '"bench": {"cold": 5, "warm": 20, "cpu": "cgroup"}',
  level: '{"limit": "800 ms", "level": "warn"}',
};

/** Short example per budget key, from the schema's descriptions ("Example: …"). */
function budgetExample(key: string): string | undefined {
  const props = CONFIG_SCHEMA.definitions.budgets.properties as Record<string, { description?: string }>;
  const m = props[key]?.description?.match(/Example: (.*)$/);
  return m ? `${m[1]} or {"limit": …, "level": "warn"}` : undefined;
}

/** "/models/0/budgets/warmP50" → "models[0].budgets.warmP50" */
export function keyPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

function exampleFor(instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i];
    if (parts[i - 1] === 'budgets' && budgetExample(p)) return budgetExample(p)!;
    if (/^\d+$/.test(p) && parts[i - 1] === 'models') return EXAMPLES.model;
    if (EXAMPLES[p]) return EXAMPLES[p];
  }
  return EXAMPLES[''];
}

function allowedKeys(schema: Record<string, unknown> | undefined): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const p of instancePath.split('/').filter(Boolean)) {
    cur = (cur as Record<string, unknown> | undefined)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Picks the error a person should see first: unknown keys, then missing keys, then the deepest bad value. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (unknown) return unknown;
  const required = errors.find((e) => e.keyword === 'required');
  if (required) return required;
  return [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
}

function toConfigError(data: unknown, errors: ErrorObject[], file: string): DlpackError {
  const e = pickError(errors);
  if (e.keyword === 'additionalProperties') {
    const name = String((e.params as { additionalProperty: string }).additionalProperty);
    const where = e.instancePath ? ` in ${keyPath(e.instancePath)}` : '';
    const suggestion = closest(name, allowedKeys(e.parentSchema).filter((k) => k !== '$schema'));
    return new DlpackError('CONFIG', `Unknown option "${name}"${where}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, {
      file,
      hint: `example: ${exampleFor(e.instancePath)}`,
    });
  }
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    return new DlpackError('CONFIG', `${keyPath(e.instancePath, missing)} is required`, {
      file,
      hint: `example: ${exampleFor(e.instancePath)}`,
    });
  }
  const value = valueAt(data, e.instancePath);
  const what = e.keyword === 'enum' ? ` (one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(describe).join(', ')})` : '';
  return new DlpackError('CONFIG', `invalid value ${describe(value)} for ${keyPath(e.instancePath)}${what}`, {
    file,
    hint: `example: ${exampleFor(e.instancePath)}`,
  });
}

let validator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;

/** Throws DlpackError('CONFIG') naming the bad key; returns the config typed. */
export async function validateConfig(data: unknown, file: string): Promise<DlpackConfig> {
  if (!validator) {
    const { default: Ajv } = await import('ajv');
    const ajv = new Ajv.default({ allErrors: true, strict: false, verbose: true });
    validator = ajv.compile(CONFIG_SCHEMA);
  }
  if (!validator(data)) throw toConfigError(data, validator.errors ?? [], file);
  return data as DlpackConfig;
}
