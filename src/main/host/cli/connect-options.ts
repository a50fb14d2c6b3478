import { parseSpiceUri, TargetError } from '../../profiles/spice-uri';
import type { ConnectTarget } from '../../../shared/session-types';
import { UsageError } from './args';

/** Options every connecting command accepts (more arrive with TLS, .vv files and proxies). */
export const CONNECT_VALUED_OPTIONS = ['timeout-ms'] as const;

export function parseTarget(text: string | undefined): ConnectTarget {
  if (text === undefined) throw new UsageError('a target is required (spice://host:port)');
  try {
    return parseSpiceUri(text);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message);
    throw error;
  }
}

/** The ticket comes from SPICE_PASSWORD, never from argv (argv is visible to every local user in `ps`). */
export function passwordFromEnvironment(env: NodeJS.ProcessEnv): string {
  return env.SPICE_PASSWORD ?? '';
}
