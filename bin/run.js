#!/usr/bin/env node
// The installed CLI. src/cli/start.ts answers `--version` and help fast and runs oclif for the rest.
import { start } from '../dist/src/cli/start.js';

await start(import.meta.url);
