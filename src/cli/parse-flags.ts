/**
 * node:util's parseArgs for the commands, with its errors turned into
 * UsageErrors that name the flag or argument at fault.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/** parseArgs(config); a mistake in `config.args` throws a UsageError, anything else what parseArgs threw. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw toUsageError(e) ?? e;
  }
}

function toUsageError(e: unknown): UsageError | undefined {
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  // Node quotes what it refuses: '--bogus', '-n, --namespace <value>', 'foo'.
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const flag = quoted.split(/[ ,]+/).filter((t) => t.startsWith('-')).at(-1) ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${flag}`, { cause: e });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument')) return new UsageError(`flag ${flag} takes no value`, { cause: e });
      if (message.includes('ambiguous')) {
        return new UsageError(`flag ${flag} needs a value (for a value that starts with '-', write ${flag}=VALUE)`, { cause: e });
      }
      return new UsageError(`flag ${flag} needs a value`, { cause: e });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${JSON.stringify(quoted)}`, { cause: e });
    default:
      return undefined;
  }
}
