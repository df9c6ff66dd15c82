/** Copies the workspace at `workspaceRoot` into a new temporary directory (named after `label`) and returns it. */
export function copyWorkspace(workspaceRoot: string, label: string): string;
/** Runs a command in a copy, with its own Nx cache and no daemon; fails with the end of its output. */
export function runInWorkspace(copy: string, command: string, args: string[]): string;
