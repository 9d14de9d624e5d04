// The mode registry: an explicit name → mode map. Adding a mode (exim, nginx, haproxy) is one
// folder src/modes/<name>/index.ts exporting a Mode, plus one line here; a unit test keeps the
// keys equal to the folder names.
import type { Mode } from './types.ts';
import { postfix } from './postfix/index.ts';
import { dovecot } from './dovecot/index.ts';
import { mailcow } from './mailcow/index.ts';

export const modes: Readonly<Record<string, Mode>> = { postfix, dovecot, mailcow };

export function getMode(name: string): Mode | undefined {
  return Object.hasOwn(modes, name) ? modes[name] : undefined;
}

export type { Mode, ModeEndpoint } from './types.ts';
