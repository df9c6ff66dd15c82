import { Document } from 'yaml';

const RENDERED_BY = 'npx nx run deploy:render';

/** Multi-document YAML with a header that says where the content comes from. */
export function renderedYaml(purpose: string, manifests: readonly Record<string, unknown>[]): string {
  const documents = manifests.map((manifest) => new Document(manifest).toString({ lineWidth: 0 }));
  return `${header('#', purpose)}${documents.join('---\n')}`;
}

export function header(comment: string, purpose: string): string {
  return [
    `${comment} ${purpose}`,
    `${comment} Rendered by \`${RENDERED_BY}\` from the order type definitions (libs/contracts/src/lib/order-types)`,
    `${comment} and bss-config (deploy/base/config.yaml): change those and render again, never this file;`,
    `${comment} a test fails when what is committed differs from what renders.`,
    '',
  ].join('\n');
}

/**
 * Replaces the lines between a block's two markers, leaving the rest of a hand-written file as it
 * is; a file without the markers is an error, not a silent skip.
 */
export function withRenderedBlock(path: string, text: string, markers: { start: string; end: string }, content: string): string {
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`${path} lacks the markers "${markers.start}" … "${markers.end}" of its rendered block`);
  const afterStart = text.indexOf('\n', start) + 1;
  return `${text.slice(0, afterStart)}${content}${text.slice(end)}`;
}
