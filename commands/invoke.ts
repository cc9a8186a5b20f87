import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { invokeBundle, parseDuration, renderInvokeResponse, reportLine, type InvokeResult } from '../src/index.js';

export default class Invoke extends DlpackCommand {
  static summary = 'Call a bundle once, locally, the way its platform would: one cold start, the response, the logs and a REPORT line.';
  static description =
    "Starts one instance of the bundle in dlpack's emulator (the one `dlpack bench` measures with: a fresh Node process with the platform's Node flags and environment, a real memory limit and CPU share for --memory, the platform's timeout and payload limits), sends one event and prints what the platform would hand back: for AWS Lambda the invoke response payload (or its error object, marked FunctionError: Unhandled), for the HTTP platforms the HTTP response (status line, headers, body), or the platform's own error answer when the function failed (out of memory, timeout, payload too large, a crash). The handler's output and Lambda's REPORT line (Duration, Billed Duration, Memory Size, Max Memory Used, Init Duration) go to stderr. Exits 1 when the invocation failed. Like `sam local invoke`, without Docker.";
  static examples = [
    '<%= config.bin %> <%= command.id %> dist/aws-lambda',
    '<%= config.bin %> <%= command.id %> dist/aws-lambda --event request.json --memory 512',
    'echo \'{"inputs": {"x": {"dims": [1, 4], "data": [1, 2, 3, 4]}}}\' | <%= config.bin %> <%= command.id %> dist/vercel --event -',
    '<%= config.bin %> <%= command.id %> model.onnx --platform cloudflare-workers --json | jq .report',
  ];
  static args = {
    bundle: Args.string({ description: 'bundle folder or zip from dlpack bundle (or a model file, bundled on the fly for --platform)', required: true }),
  };
  static flags = {
    event: Flags.string({ description: 'JSON file with the event (Lambda) or request body (HTTP platforms); "-" reads stdin (default: generated from the model inputs)' }),
    platform: Flags.string({ description: "the platform (default: the bundle's target): aws-lambda, gcp-functions, azure-functions, cloudflare-workers, vercel" }),
    memory: Flags.integer({ description: "memory size in MB (default: the bundle's, else the platform default)" }),
    timeout: Flags.string({ description: "function timeout, e.g. 30s (default: the platform's maximum)" }),
    cpu: Flags.string({ description: 'CPU share: cgroup (real CFS quota), scale (projection), off, or auto', options: ['auto', 'cgroup', 'scale', 'off'], default: 'auto' }),
    'memory-limit': Flags.string({ description: 'memory limit: cgroup (kernel), watchdog (RSS sampling), or auto', options: ['auto', 'cgroup', 'watchdog'], default: 'auto' }),
  };

  async run(): Promise<InvokeResult> {
    const { args, flags } = await this.parse(Invoke);
    const json = this.jsonEnabled();
    const result = await invokeBundle({
      input: args.bundle,
      platform: flags.platform,
      memoryMb: flags.memory,
      eventFile: flags.event,
      timeoutMs: flags.timeout ? parseDuration(flags.timeout) : undefined,
      cpu: flags.cpu as 'auto' | 'cgroup' | 'scale' | 'off',
      memoryLimit: flags['memory-limit'] as 'auto' | 'cgroup' | 'watchdog',
      // the handler's logs as they come, on stderr (with --json they are in the result)
      onOutput: json ? undefined : (text) => this.streamToStderr(text),
    });
    if (!json) {
      for (const note of result.notes ?? []) this.logToStderr(`note: ${note}`);
      this.logToStderr(reportLine(result.report));
      this.log(renderInvokeResponse(result.response));
    }
    if (result.error) process.exitCode = 1;
    return result;
  }
}
