import type { Tree } from '@nx/devkit';
import { ORDER_TYPE_DEFINITIONS } from '@bss/contracts';
import { renderDeploy } from './render-deploy';

/** `npx nx run deploy:render`: deploy/ as the order type definitions and bss-config say it must be. */
export default async function deployRenderGenerator(tree: Tree): Promise<void> {
  renderDeploy(tree, ORDER_TYPE_DEFINITIONS);
}
