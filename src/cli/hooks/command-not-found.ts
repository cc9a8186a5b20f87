/**
 * oclif `command_not_found` hook: `dlpack benhc` prints one line naming the closest command
 * ("did you mean bench?") and exits 2, like any other usage error. (@oclif/plugin-not-found only
 * suggests through an interactive prompt on a terminal and exits 127.)
 */
import type { Hook } from '@oclif/core';
import { closest } from '../../core/errors/did-you-mean.js';

const hook: Hook<'command_not_found'> = async function (opts) {
  const config = opts.config;
  const visible = config.commands.filter((c) => !c.hidden);
  const ids = [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases)];
  const sep = config.topicSeparator;
  const typed = opts.id.replaceAll(':', sep);
  const suggestion = closest(opts.id, ids) ?? closest(opts.id.split(':')[0], ids);
  const hint = suggestion ? `did you mean "${config.bin} ${suggestion.replaceAll(':', sep)}"? ` : '';
  const line = `"${typed}" is not a ${config.bin} command (${hint}${config.bin} help lists every command)`;
  if (opts.argv?.includes('--json')) {
    process.stdout.write(JSON.stringify({ error: { code: 'USAGE', message: line } }, null, 2) + '\n');
  } else {
    process.stderr.write(`Error: ${line}\n`);
  }
  this.exit(2);
};

export default hook;
