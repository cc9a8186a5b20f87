import { Args, Flags } from '@oclif/core';
import { TransformCommand } from '../src/cli/transform-command.js';
import { checkFlags, toCheckOptions } from '../src/cli/transform-flags.js';
import { parseBytes } from '../src/core/units.js';
import type { TransformReport } from '../src/core/reports/schemas.js';
import { quantizeModel } from '../src/transforms/quantize-model.js';

export default class Quantize extends TransformCommand {
  static summary = 'Shrink a model (int8 or float16 weights) and report what it cost in accuracy and latency.';
  static description =
    'ONNX (--mode): int8-weights stores MatMul/Gemm/Conv/Gather/LSTM weights as int8 (per channel by default) with DequantizeLinear (QDQ), biases corrected on --samples; int8-dynamic computes MatMul/Gemm in int8 with activations quantized at run time (what ONNX Runtime quantize_dynamic writes); int8-static quantizes activations too, with ranges calibrated on --samples (required; --calibrate, --calib-size; the accuracy check runs on the samples held back from calibration), in QDQ form that ONNX Runtime runs as integer kernels (QLinearConv, QLinearMatMul…), ops without integer kernels left float; int4-weights turns MatMul weights into 4-bit blocks with one scale per --block-size values (com.microsoft.MatMulNBits of ONNX Runtime, as its matmul_nbits quantizer writes; --no-symmetric adds zero points), other weights untouched; fp16 stores and computes in float16 with float32 inputs/outputs, and keeps float32 every node whose weights or measured activations fall outside float16 range. TF.js (--dtype): uint8/uint16 affine or float16 weights, as tensorflowjs_converter writes them. Then both models run on the same inputs — real ones with --samples (images, audio, .npy/.npz; --preprocess says how), else generated — per output: max/mean abs error, cosine, SQNR, top-1 agreement; p50 latency. The default accuracy floor (cosine ≥ 0.99 on every output, top-1 ≥ 99% on probability outputs) and --max-error/--min-cosine/--min-top1 are gates: when one fails, or the reference outputs are degenerate on the inputs used, the command exits 1 and writes nothing. --fallback float32|float16 keeps the nodes that hurt accuracy most in higher precision until the goal holds.';
  static examples = [
    '<%= config.bin %> <%= command.id %> det.onnx --mode int8-weights --samples text-lines/ --preprocess paddleocr-det -o det.int8.onnx',
    '<%= config.bin %> <%= command.id %> rec.onnx --mode fp16 --samples "text-lines/*.png" --preprocess paddleocr-rec -o rec.fp16.onnx --json',
    '<%= config.bin %> <%= command.id %> classifier.onnx --mode int8-weights --samples photos/ --preprocess imagenet --fallback float16 --min-cosine 0.995 --max-ratio 0.3 -o classifier.int8.onnx',
    '<%= config.bin %> <%= command.id %> rec.onnx --mode int8-static --samples text-lines/ --preprocess paddleocr-rec --calibrate percentile --calib-size 48 -o rec.int8s.onnx',
    '<%= config.bin %> <%= command.id %> silero_vad.onnx --mode int8-dynamic --samples speech/ --preprocess audio -o vad.dyn.onnx',
    '<%= config.bin %> <%= command.id %> model.onnx --mode int8-dynamic -o model.dyn.onnx --count 20 --min-cosine 0.98',
    '<%= config.bin %> <%= command.id %> transformer.onnx --mode int4-weights --block-size 32 --samples tokens/ -o transformer.int4.onnx',
    '<%= config.bin %> <%= command.id %> web_model/model.json --dtype uint8 -o web_model_uint8',
    '<%= config.bin %> <%= command.id %> web_model/model.json --dtype uint8 --fallback float16 --min-cosine 0.99 --max-ratio 0.3 -o web_model_mixed',
    '<%= config.bin %> <%= command.id %> web_model/model.json --dtype uint8 --per-channel --equalize --fallback float16 --min-cosine 0.99 -o web_model_pc',
  ];
  static args = { model: Args.string({ description: 'model file: .onnx or a TF.js model .json', required: true }) };
  static flags = {
    output: Flags.string({ char: 'o', description: 'output: .onnx file (ONNX) or folder (TF.js)', required: true }),
    mode: Flags.string({ description: 'ONNX quantization mode', options: ['int8-weights', 'int8-dynamic', 'int8-static', 'fp16', 'int4-weights'] }),
    calibrate: Flags.string({ description: 'int8-static: activation range calibration on --samples', options: ['minmax', 'percentile', 'entropy'], default: 'minmax' }),
    'calib-size': Flags.integer({ description: 'int8-static: input sets used for calibration (default three quarters, spread over the list); the rest are held back for the accuracy check', min: 1 }),
    'quant-format': Flags.string({ description: 'int8-static: qdq (QuantizeLinear/DequantizeLinear pairs that ONNX Runtime fuses) or qoperator (QLinearConv, QLinearMatMul, QLinearAdd… written out)', options: ['qdq', 'qoperator'], default: 'qdq' }),
    'activation-type': Flags.string({ description: 'int8-static: activation type (uint8 asymmetric: the U8S8 kernels of ONNX Runtime CPU)', options: ['uint8', 'int8'], default: 'uint8' }),
    'symmetric-activations': Flags.boolean({ description: 'int8-static with --activation-type int8: activations symmetric around 0 (zero point 0)' }),
    dtype: Flags.string({ description: 'TF.js weight dtype', options: ['uint8', 'uint16', 'float16'] }),
    'per-channel': Flags.boolean({
      description:
        'one scale per output channel. ONNX (default on; --no-per-channel for per-tensor): Conv axis 0, ConvTranspose axis 1, Gemm by transB, MatMul columns. TF.js graph models (uint8/uint16, default off): kernels of Conv2D/depthwise/MatMul stored divided by float16 per-channel scales, multiplied back by an added Mul node that stock tfjs runs',
      allowNo: true,
    }),
    'bias-correction': Flags.boolean({
      description: 'ONNX int8-weights: shift each Conv/MatMul/Gemm bias by the mean error its int8 weight causes, measured on the check inputs (default on with --samples)',
      allowNo: true,
    }),
    symmetric: Flags.boolean({ description: 'symmetric int8 weights, zero point 0 (--no-symmetric: asymmetric uint8)', default: true, allowNo: true }),
    'reduce-range': Flags.boolean({ description: '7-bit weights (for CPUs without VNNI, where u8×s8 products can saturate)' }),
    'op-types': Flags.string({ description: 'only these op types (comma-separated)', multiple: true, delimiter: ',' }),
    'exclude-nodes': Flags.string({ description: 'node names to leave alone (comma-separated)', multiple: true, delimiter: ',' }),
    'min-elements': Flags.integer({ description: 'weights with fewer elements stay float (default 128 for int8-weights, 1024 for int8-dynamic)', min: 0 }),
    'keep-io-types': Flags.boolean({ description: 'fp16: keep float32 graph inputs and outputs', default: true, allowNo: true }),
    'block-ops': Flags.string({ description: 'fp16: op types kept in float32 (replaces the default block list)', multiple: true, delimiter: ',' }),
    'block-size': Flags.string({ description: 'int4-weights: weights per scale along K (default 32; smaller is more accurate, larger is smaller)', options: ['32', '64', '128'] }),
    'accuracy-level': Flags.integer({ description: "int4-weights: MatMulNBits accuracy_level — 4 (default) computes with int8 activations (ORT's fast CPU kernels), 1 in float32, 0 leaves it to the runtime", min: 0, max: 4 }),
    kernels: Flags.string({ description: 'int8-dynamic: com.microsoft fused op or standard DynamicQuantizeLinear+MatMulInteger', options: ['fused', 'integer'], default: 'fused' }),
    optimize: Flags.string({ description: 'ONNX: ONNX Runtime basic optimization first (folds BatchNormalization into Conv, as its quant_pre_process); default basic for int8-weights, int8-static and fp16, none for int8-dynamic and int4-weights (basic fusion turns MatMul + Add into Gemm)', options: ['basic', 'none'] }),
    weights: Flags.string({ description: 'TF.js: quantize only weights matching these globs (comma-separated)', multiple: true, delimiter: ',' }),
    'shard-size': Flags.string({ description: 'TF.js: weight shard size', default: '4MB' }),
    requantize: Flags.boolean({ description: 'TF.js: re-quantize weights that are already quantized (default: leave them as they are)' }),
    fallback: Flags.string({
      description:
        'mixed precision: keep the units that most hurt the outputs at this precision until every output reaches --min-cosine/--min-top1 (default floor 0.99) within --max-ratio. ONNX: float32 or float16 (int8 modes), int8 (8-bit MatMulNBits blocks), float16 or float32 (int4-weights), float32 (fp16); by default ONNX falls back (float16 for int8 modes, int8 for int4-weights, float32 for fp16) only when the default floor is missed, none turns that off. TF.js: uint16, float16, float32',
      options: ['uint16', 'float16', 'float32', 'int8', 'none'],
    }),
    'max-ratio': Flags.string({ description: 'mixed precision budget as a fraction of the input. ONNX: file bytes (default 0.30 for int8, 0.52 for fp16); TF.js: weight bytes (default 0.27 for uint8, 0.52 otherwise)' }),
    equalize: Flags.boolean({ description: 'TF.js graph models: cross-layer equalization of depthwise → 1×1 conv kernel pairs before quantizing (exact in float, narrower per-tensor ranges)' }),
    range: Flags.string({ description: 'TF.js affine range per tensor: min/max as the converter, or mse (clipped range with the least weight error)', options: ['minmax', 'mse'], default: 'minmax' }),
    ...checkFlags,
  };

  async run(): Promise<TransformReport> {
    const { args, flags } = await this.parse(Quantize);
    return this.runTransform((onProgress) =>
      quantizeModel({
        input: args.model,
        output: flags.output,
        mode: flags.mode as 'fp16' | undefined,
        dtype: flags.dtype as 'uint8' | undefined,
        weights: flags.weights,
        shardSize: parseBytes(flags['shard-size']),
        requantize: flags.requantize,
        fallback: flags.fallback as 'float16' | undefined,
        biasCorrection: flags['bias-correction'],
        maxRatio: flags['max-ratio'] === undefined ? undefined : Number(flags['max-ratio']),
        range: flags.range as 'minmax' | 'mse',
        equalize: flags.equalize,
        perChannel: flags['per-channel'],
        symmetric: flags.symmetric,
        reduceRange: flags['reduce-range'],
        opTypes: flags['op-types'],
        excludeNodes: flags['exclude-nodes'],
        minElements: flags['min-elements'],
        keepIoTypes: flags['keep-io-types'],
        blockOps: flags['block-ops'],
        blockSize: flags['block-size'] === undefined ? undefined : Number(flags['block-size']),
        accuracyLevel: flags['accuracy-level'],
        kernels: flags.kernels as 'fused' | 'integer',
        optimize: flags.optimize as 'basic' | 'none' | undefined,
        calibrate: flags.calibrate as 'minmax',
        calibSize: flags['calib-size'],
        activationType: flags['activation-type'] as 'uint8',
        quantFormat: flags['quant-format'] as 'qdq',
        symmetricActivations: flags['symmetric-activations'],
        check: toCheckOptions(flags),
        onProgress,
      }),
    );
  }
}
