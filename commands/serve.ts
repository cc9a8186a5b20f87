import { Args, Flags } from '@oclif/core';
import { DlpackCommand } from '../src/cli/base-command.js';
import { instanceFlags, instanceOptions } from '../src/cli/instance-flags.js';
import { serveBundle } from '../src/index.js';

export default class Serve extends DlpackCommand {
  static summary = "Serve a bundle on a local HTTP endpoint that behaves like the platform's function URL / HTTP trigger.";
  static description =
    "Listens on 127.0.0.1 and answers every request through one instance of the bundle in dlpack's emulator (the one `dlpack bench` measures with: the platform's Node flags and environment, a real memory limit and CPU share for --memory, the platform's timeout and payload limits). AWS Lambda plays a function URL (the request becomes a payload format 2.0 event, the result becomes the response); Cloud Run functions, Azure Functions, Vercel and Workers get the HTTP request itself. The first request is a cold start, later ones reuse the warm instance; when it dies (out of memory, a crash, a timeout) the client gets the platform's error answer and the next request starts a new one. Prints the URL on stdout when ready; the handler's output, one line per request and Lambda's REPORT line go to stderr. Ctrl-C (SIGINT) or SIGTERM stops it, leaving no process or cgroup behind. Like `sam local start-api` / `wrangler dev`, without Docker.";
  static examples = [
    '<%= config.bin %> <%= command.id %> dist/aws-lambda --port 3000',
    'curl -s localhost:3000 -H content-type:application/json -d \'{"inputs": {"x": {"dims": [1, 4], "data": [1, 2, 3, 4]}}}\'',
    '<%= config.bin %> <%= command.id %> dist/cloudflare-workers --memory 128 --port 8787',
    '<%= config.bin %> <%= command.id %> model.onnx --platform gcp-functions --memory 512 --json   # {"url": …} once ready',
  ];
  static args = {
    bundle: Args.string({ description: 'bundle folder or zip from dlpack bundle (or a model file, bundled on the fly for --platform)', required: true }),
  };
  static flags = {
    ...instanceFlags,
    port: Flags.integer({ description: 'port on 127.0.0.1 (0: any free port)', default: 3000, min: 0, max: 65535 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Serve);
    const json = this.jsonEnabled();
    // Our own signal handlers first, and kept until the instance is gone: the instance registry's
    // (installed with the first instance) kills it at once and raises the signal again, which
    // then lands here instead of ending dlpack before the cleanup is confirmed.
    let stop: ((signal: NodeJS.Signals) => void) | undefined;
    let signalled: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      signalled ??= signal;
      stop?.(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const server = await serveBundle({
        input: args.bundle,
        ...instanceOptions(flags),
        port: flags.port,
        log: (line) => this.logToStderr(line),
        onOutput: (text) => this.streamToStderr(text),
      });
      const ready = { url: server.url, platform: server.platform, front: server.front, memoryMb: server.memoryMb, vcpu: server.vcpu, cpuMode: server.cpuMode, memoryLimitMode: server.memoryLimitMode };
      if (json) this.logJson(ready);
      else {
        this.logToStderr(`dlpack serve: ${server.platform} as a ${server.front}, ${server.memoryMb} MB (${server.vcpu} vCPU; CPU share: ${server.cpuMode}, memory limit: ${server.memoryLimitMode}). Ctrl-C to stop.`);
        this.log(server.url);
      }
      await new Promise<void>((resolve) => {
        stop = (signal) => {
          stop = undefined;
          this.logToStderr(`${signal}: stopping (the instance is ended, its cgroups removed)`);
          void server.close().then(resolve);
        };
        if (signalled) stop(signalled);
      });
      const { requests, coldStarts } = server.stats();
      this.logToStderr(`stopped: ${requests} request${requests === 1 ? '' : 's'}, ${coldStarts} cold start${coldStarts === 1 ? '' : 's'}`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
