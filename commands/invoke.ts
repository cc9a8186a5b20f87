import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { instanceFlags, instanceOptions } from '../src/cli/instance-flags.js';
import { invokeBundle, renderInvokeResponse, reportLine, type InvokeResult } from '../src/index.js';

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
    ...instanceFlags,
    event: Flags.string({ description: 'JSON file with the event (Lambda) or request body (HTTP platforms); "-" reads stdin (default: generated from the model inputs)' }),
  };

  async run(): Promise<InvokeResult> {
    const { args, flags } = await this.parse(Invoke);
    const json = this.jsonEnabled();
    const result = await invokeBundle({
      input: args.bundle,
      ...instanceOptions(flags),
      eventFile: flags.event,
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
