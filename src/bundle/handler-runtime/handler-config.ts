/**
 * The configuration dlpack bakes into every bundle (the `dlpack:config` virtual module): what the
 * model expects, where its files are, how many threads to use and how big a request may be.
 */
export interface InputSpec {
  name: string;
  dtype: string;
  /** Fixed sizes as numbers; symbolic or unknown dimensions as null. null for unknown rank. */
  shape: (number | null)[] | null;
}

export type VcpuRuleData =
  | { kind: 'linear'; mbPerVcpu: number; maxVcpu: number; minVcpu?: number }
  | { kind: 'tiers'; tiers: { memoryMb: number; vcpu: number }[] }
  | { kind: 'fixed'; vcpu: number };

export interface HandlerConfig {
  target: string;
  runtime: string;
  /** 'onnx' | 'tfjs-graph' | 'tfjs-layers' */
  modelFormat: string;
  /** The main model file, relative to the bundle root (model/…). */
  modelFile: string;
  /** Every model file (TF.js weight shards, ONNX external data), relative to the bundle root. */
  modelFiles: string[];
  /** The one wasm binary the runtime loads, relative to the bundle root (wasm runtimes only). */
  wasmFile?: string;
  /** ONNX Runtime session config entries (SessionOptions.extra) the model needs, e.g. session.disable_quant_qdq for int8 QDQ weights. */
  ortSessionConfig?: Record<string, string>;
  inputs: InputSpec[];
  outputs: string[];
  /** Memory the bundle was configured for and the vCPU/thread count derived from it. */
  memoryMb: number;
  vcpu: number;
  threads: number;
  /** Rule to recompute vCPU when the platform reports another memory size at run time. */
  vcpuRule?: VcpuRuleData;
  /** Environment variable holding the configured memory size in MB (e.g. AWS_LAMBDA_FUNCTION_MEMORY_SIZE). */
  memoryEnv?: string;
  /** Largest request body accepted, bytes (the platform's payload limit). */
  maxRequestBytes: number;
  /** Largest element count accepted per input tensor. */
  maxElements: number;
}
