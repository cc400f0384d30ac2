/** The console has one failure mode worth naming: its output stream is gone (EPIPE). */
import { BotError } from '../../src/errors.js';

export function mapConsoleError(error: unknown): BotError {
  const code = (error as { code?: string }).code;
  if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') {
    return new BotError('console output closed', 'PLATFORM_NETWORK', { cause: error });
  }
  return new BotError('console adapter failed', 'UNKNOWN', { cause: error });
}
