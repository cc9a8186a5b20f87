/**
 * The JSON Schema of dlpack.config.json (and of the `dlpack` key in package.json). The same object
 * is published as schema/dlpack.config.schema.json for editor completion (`"$schema"` in the config);
 * test/unit/config/config-schema.test.ts keeps the two identical.
 */
import { DEFAULT_PLATFORM_ID, PLATFORM_IDS } from '../platforms/index.js';

const SIZE = '^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgG][bB]|[kKmMgG][iI][bB])?\\s*$';
const DURATION = '^\\s*\\d+(\\.\\d+)?\\s*(us|µs|ms|s|m|min)?\\s*$';
const PERCENT = '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$';
const MONEY = '^\\s*\\$?\\s*\\d+(\\.\\d+)?\\s*$';

function budget(value: object, description: string, example: string): object {
  return {
    description: `${description} Either the limit alone (error level) or {"limit": …, "level": "warn"}. Example: ${example}`,
    oneOf: [
      value,
      {
        type: 'object',
        additionalProperties: false,
        required: ['limit'],
        properties: {
          limit: value,
          level: { enum: ['error', 'warn'], description: 'error fails the check (exit 1); warn is shown and exits 0' },
        },
      },
    ],
  };
}

const size = { anyOf: [{ type: 'string', pattern: SIZE }, { type: 'number', minimum: 0 }] };
const duration = { anyOf: [{ type: 'string', pattern: DURATION }, { type: 'number', minimum: 0 }] };
const memory = {
  anyOf: [{ type: 'string', pattern: SIZE }, { type: 'string', pattern: PERCENT }, { type: 'number', minimum: 0 }],
};
const money = { anyOf: [{ type: 'string', pattern: MONEY }, { type: 'number', minimum: 0 }] };

const timing = (what: string, example: string) => budget({ $ref: '#/definitions/duration' }, what, example);

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'dlpack configuration',
  description: 'Models, targets, memory sizes and budgets that `dlpack check` enforces.',
  type: 'object',
  additionalProperties: false,
  required: ['models'],
  properties: {
    $schema: { type: 'string', description: 'Path or address of this schema, for editor completion.' },
    models: {
      type: 'array',
      minItems: 1,
      description: 'One entry per model (or per model + handler) to check.',
      items: { $ref: '#/definitions/model' },
    },
    tolerance: {
      type: 'string',
      pattern: PERCENT,
      description: 'Slack on timing and cost budgets (medians over runs), e.g. "5%". Default "0%".',
    },
    regression: {
      type: 'object',
      additionalProperties: false,
      description: 'How `--baseline` comparisons are judged.',
      properties: {
        max: { type: 'string', pattern: PERCENT, description: 'Largest allowed change for the worse against the baseline, e.g. "10%".' },
        level: { enum: ['error', 'warn'], description: 'Level of a regression beyond `max`. Default "error".' },
      },
    },
    bench: {
      type: 'object',
      additionalProperties: false,
      description: 'How `dlpack check` runs the bench when it measures itself.',
      properties: {
        cold: { type: 'integer', minimum: 1, description: 'Cold starts per configuration.' },
        warm: { type: 'integer', minimum: 1, description: 'Warm invocations per cold start.' },
        cpu: { enum: ['cgroup', 'scale', 'off'], description: 'How the CPU share is applied.' },
        estimate: {
          enum: ['stable', 'wall'],
          description:
            'Figure timing and cost budgets are judged on. "stable" (default): the load-robust estimate — CPU time replayed through the platform\'s vCPU share plus I/O waits, without the time spent waiting for a CPU other work on the machine held. "wall": wall time as measured.',
        },
        runs: { type: 'integer', minimum: 1, description: 'Bench runs per target; timing budgets pool their samples. Default 3 when there are timing budgets, else 1.' },
        maxTime: {
          type: 'string',
          pattern: DURATION,
          description: 'Adaptive sampling: time cap per configuration, e.g. "10 s" (default); "0 s" takes exactly `cold` and `warm`.',
        },
        precision: { type: 'string', pattern: PERCENT, description: 'Adaptive sampling stops when the medians\' 95% confidence interval is within ± this, e.g. "10%" (default).' },
      },
    },
  },
  definitions: {
    size,
    duration,
    model: {
      type: 'object',
      additionalProperties: false,
      required: ['model'],
      properties: {
        name: { type: 'string', description: 'Name shown in reports (default: the model file name).' },
        model: { type: 'string', description: 'Model file (.onnx or TF.js model.json), relative to this config file.' },
        handler: { type: 'string', description: 'Your own handler (.ts/.js) to bundle instead of the template.' },
        original: {
          type: 'string',
          description: 'The model this one was quantized/converted from; `dlpack check` compares their outputs for minCosine and maxAbsError.',
        },
        samples: {
          type: 'string',
          description:
            'Real inputs for the accuracy budgets (relative to this config file): an image (PNG, JPEG), WAV, .npy/.npz or inputs JSON file, a folder of them, or a glob. Without it the comparison runs on generated inputs, and budgets fail when those make the outputs degenerate.',
        },
        preprocess: { $ref: '#/definitions/preprocess' },
        targets: {
          type: 'array',
          minItems: 1,
          items: { enum: [...PLATFORM_IDS] },
          description: `Platforms to bundle and bench for. Default ["${DEFAULT_PLATFORM_ID}"].`,
        },
        memory: {
          type: 'array',
          minItems: 1,
          items: { type: 'integer', minimum: 64, maximum: 32768 },
          description: 'Memory sizes in MB to bench (and to judge budgets at).',
        },
        runtime: { type: 'string', description: 'Runtime, e.g. "onnxruntime-node", "onnxruntime-web", "tfjs-wasm".' },
        arch: { enum: ['x64', 'arm64'], description: 'CPU architecture of the deployment. Default "x64".' },
        budgets: { $ref: '#/definitions/budgets' },
      },
    },
    preprocess: {
      type: 'object',
      additionalProperties: false,
      description: 'How `samples` files become model inputs (the keys of `--preprocess`). Example: {"preset": "imagenet"} or {"preset": "paddleocr-rec", "height": 48}',
      properties: {
        preset: { enum: ['imagenet', '[0,1]', '[-1,1]', 'paddleocr-det', 'paddleocr-rec', 'paddleocr-cls', 'audio'], description: 'Named preprocessing for a model family.' },
        input: { type: 'string', description: 'The model input the samples feed (default: the first float input of a fitting rank).' },
        layout: { enum: ['NCHW', 'NHWC'] },
        channels: { enum: ['RGB', 'BGR', 'gray'] },
        size: { anyOf: [{ type: 'string', pattern: '^\\s*\\d+\\s*[x×,]\\s*\\d+\\s*$' }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 }], description: 'Height × width, "48x192" or [48, 192].' },
        height: { type: 'integer', minimum: 1 },
        width: { type: 'integer', minimum: 1 },
        keepAspect: { type: 'boolean', description: 'With height and width: fit inside keeping the aspect ratio, pad the rest.' },
        multipleOf: { type: 'integer', minimum: 1, description: 'Round each side to a multiple of this.' },
        maxSide: { type: 'integer', minimum: 1 },
        scale: { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^\\s*-?\\d+(\\.\\d+)?\\s*/\\s*\\d+(\\.\\d+)?\\s*$' }], description: 'Pixel values are multiplied by this first (default 1/255).' },
        mean: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 },
        std: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 },
        pad: { type: 'number' },
        rate: { type: 'integer', minimum: 1, description: 'Audio sample rate the model expects, Hz (WAV files at another rate are refused).' },
        window: { type: 'integer', minimum: 1 },
        hop: { type: 'integer', minimum: 1 },
        maxWindows: { type: 'integer', minimum: 1 },
      },
    },
    budgets: {
      type: 'object',
      additionalProperties: false,
      description: 'Limits in human units; each may be {"limit": …, "level": "warn"}.',
      properties: {
        zipped: budget({ $ref: '#/definitions/size' }, 'Largest deployable zip.', '"zipped": "45 MB"'),
        unzipped: budget({ $ref: '#/definitions/size' }, 'Largest unzipped artifact.', '"unzipped": "200 MB"'),
        initP50: timing('Median INIT duration (module + model load).', '"initP50": "800 ms"'),
        initP90: timing('90th percentile INIT duration.', '"initP90": "1.2 s"'),
        coldP50: timing('Median cold start (INIT + first invoke).', '"coldP50": "1 s"'),
        coldP90: timing('90th percentile cold start.', '"coldP90": "1.5 s"'),
        warmP50: timing('Median warm invocation.', '"warmP50": "50 ms"'),
        warmP90: timing('90th percentile warm invocation.', '"warmP90": "80 ms"'),
        warmP95: timing('95th percentile warm invocation.', '"warmP95": "100 ms"'),
        warmP99: timing('99th percentile warm invocation.', '"warmP99": "150 ms"'),
        peakMemory: budget(memory, 'Peak memory: absolute or a share of the configured memory.', '"peakMemory": "80%"'),
        costPer1M: budget(money, 'Cost per 1 million requests in USD.', '"costPer1M": "$0.50"'),
        minCosine: budget(
          { type: 'number', minimum: -1, maximum: 1 },
          'Smallest cosine similarity of a transformed model\'s outputs to the original.',
          '"minCosine": 0.999',
        ),
        maxAbsError: budget(
          { type: 'number', minimum: 0 },
          'Largest absolute error of a transformed model\'s outputs.',
          '"maxAbsError": 0.01',
        ),
      },
    },
  },
} as const;
