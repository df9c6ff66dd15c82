import { applyChangesToString, ChangeType, StringChange, Tree } from '@nx/devkit';
import * as ts from 'typescript';

export const ORDER_TYPES_DIR = 'libs/contracts/src/lib/order-types';
const REGISTRY = `${ORDER_TYPES_DIR}/index.ts`;
const LIST = 'ORDER_TYPE_DEFINITIONS';

/**
 * Adds a definition module to the registry through its syntax tree: an import, a re-export and
 * an entry at the end of `ORDER_TYPE_DEFINITIONS`. A registry that already names the constant is
 * left alone, and one whose list the generator cannot find is an error, never a guess.
 */
export function registerOrderType(tree: Tree, constant: string, module: string): void {
  const text = tree.read(REGISTRY, 'utf-8');
  if (text === null) throw new Error(`${REGISTRY} is missing`);
  const source = ts.createSourceFile(REGISTRY, text, ts.ScriptTarget.Latest, true);
  const list = definitionList(source);
  if (list.elements.some((element) => element.getText(source) === constant)) return;
  const imports = source.statements.filter(ts.isImportDeclaration);
  const exports = source.statements.filter(ts.isExportDeclaration);
  const lastImport = imports.at(-1);
  const lastExport = exports.at(-1);
  if (!lastImport || !lastExport) throw new Error(`${REGISTRY} has no imports or re-exports to extend`);
  const changes: StringChange[] = [
    { type: ChangeType.Insert, index: lastImport.getEnd(), text: `\nimport { ${constant} } from './${module}';` },
    { type: ChangeType.Insert, index: lastExport.getEnd(), text: `\nexport * from './${module}';` },
    { type: ChangeType.Insert, index: list.elements.end, text: `${list.elements.length > 0 ? ', ' : ''}${constant}` },
  ];
  tree.write(REGISTRY, applyChangesToString(text, changes));
}

function definitionList(source: ts.SourceFile): ts.ArrayLiteralExpression {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== LIST || !declaration.initializer) continue;
      const initializer = ts.isAsExpression(declaration.initializer) ? declaration.initializer.expression : declaration.initializer;
      if (ts.isArrayLiteralExpression(initializer)) return initializer;
    }
  }
  throw new Error(`${REGISTRY} has no \`export const ${LIST} = [...] as const\``);
}
