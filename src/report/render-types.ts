/**
 * The interface every report kind's renderer implements (src/report/kinds/<kind>.ts), and the
 * shapes the shared format pieces (JUnit document, annotations, HTML page) assemble.
 */
import type { ResolvedModel } from '../config/resolve-budgets.js';

/** How a terminal rendering is laid out. */
export interface HumanOptions {
  /** Terminal width: tables leave out their least important columns to fit it. Undefined = every column (pipes, files). */
  width?: number;
  /** Everything: every column, every row, and the kind's extra detail (platform sources). */
  verbose?: boolean;
  /** The flag that shows what was left out (named in the note under a fitted table), e.g. "--verbose". */
  verboseFlag?: string;
  /** Folder paths are shown relative to (init). Default: the process's working folder. */
  cwd?: string;
  /** Rows of long lists shown before "… N more" (inspect: op types; default per kind). */
  maxRows?: number;
}

/** One JUnit test case. */
export interface JunitCase {
  classname: string;
  name: string;
  failure?: { message: string; type: string };
  error?: { message: string; type: string };
  out?: string;
}

/** One <testsuite> of a JUnit document. */
export interface JunitSuite {
  name: string;
  timestamp?: string;
  cases: JunitCase[];
}

/** One GitHub Actions workflow command. */
export interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
}

/** What an HTML section knows beyond its report: the config's budgets for the report's model, if any. */
export interface HtmlContext {
  model?: ResolvedModel;
}

/** The renderers of one report kind. A format a kind lacks is a one-line USAGE error in `dlpack report`. */
export interface KindRenderer<R> {
  human(report: R, o: HumanOptions): string;
  markdown?(report: R): string;
  junit?(report: R): JunitSuite;
  html?(report: R, ctx: HtmlContext): string;
  annotations?(report: R): Annotation[];
}
