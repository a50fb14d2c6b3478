import type { DisplayOptions } from '../../channels/display-options';
import { IMAGE_COMPRESSION_NAMES, isImageCompressionName } from '../../channels/display-options';
import { UsageError, type ParsedArgs } from './args';

/** Display options every command that shows a screen accepts. */
export const DISPLAY_VALUED_OPTIONS = ['image-compression'] as const;

export const DISPLAY_USAGE = `display options:
  --image-compression ${IMAGE_COMPRESSION_NAMES.join('|')}
      ask the server to compress images this way (default: the server's own setting)`;

export function displayOptionsFromArgs(args: ParsedArgs): DisplayOptions {
  const compression = args.options.get('image-compression');
  if (compression === undefined) return {};
  if (!isImageCompressionName(compression)) {
    throw new UsageError(`--image-compression must be one of ${IMAGE_COMPRESSION_NAMES.join(', ')}`);
  }
  return { imageCompression: compression };
}
