/**
 * GitHub Actions workflow commands (`::error` / `::warning`) for what went wrong in a report; they
 * show up on the run and, with a file, in the PR diff. Printed when GITHUB_ACTIONS=true. Each
 * kind's `annotations()` says what; this file writes them (escaping from src/core/text.ts).
 */
import { workflowData, workflowProperty } from '../core/text.js';
import type { Annotation } from './render-types.js';

export function annotationLine(a: Annotation, file?: string): string {
  const props = [file ? `file=${workflowProperty(file)}` : undefined, `title=${workflowProperty(a.title)}`].filter(Boolean).join(',');
  return `::${a.level} ${props}::${workflowData(a.message)}`;
}
