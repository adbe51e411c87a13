/**
 * Every checkpoint entry is stored as three lines:
 *   v<format version>
 *   <crc32 of the JSON text, 8 hex digits>
 *   <JSON text>
 * Reading checks all three: a missing or malformed header, a checksum mismatch or invalid JSON
 * is CHECKPOINT_CORRUPT; a version newer than this build reads is
 * CHECKPOINT_VERSION_UNSUPPORTED. Both name the entry's key.
 */
import { RivuletError } from '../errors.js';
import { crc32 } from '../util/crc32.js';

export function encodeEntry(version: number, value: unknown): string {
  return encodeText(version, JSON.stringify(value));
}

/** Frames JSON text that is already serialised (state changelogs). */
export function encodeText(version: number, json: string): string {
  return `v${version}\n${crc32(json).toString(16).padStart(8, '0')}\n${json}`;
}

export function decodeEntry<T>(key: string, text: string, maxVersion: number): { version: number; value: T } {
  const { version, json } = decodeText(key, text, maxVersion);
  try {
    return { version, value: JSON.parse(json) as T };
  } catch (cause) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The checkpoint entry '${key}' is not valid JSON.`, { cause, parameters: { key } });
  }
}

/** Checks an entry's frame and checksum; returns its JSON text. */
export function decodeText(key: string, text: string, maxVersion: number): { version: number; json: string } {
  const first = text.indexOf('\n');
  const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
  const m = /^v(\d+)$/.exec(first < 0 ? text : text.slice(0, first));
  if (!m || second < 0) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The checkpoint entry '${key}' is truncated or has no format version line.`, { parameters: { key } });
  }
  const version = Number(m[1]);
  if (version > maxVersion) {
    throw new RivuletError(
      'CHECKPOINT_VERSION_UNSUPPORTED',
      `The checkpoint entry '${key}' has format version v${version}, but this rivulet reads up to v${maxVersion}: it was written by a newer rivulet.`,
      { parameters: { key, version: String(version) } },
    );
  }
  const sum = text.slice(first + 1, second);
  const json = text.slice(second + 1);
  if (!/^[0-9a-f]{8}$/.test(sum) || parseInt(sum, 16) !== crc32(json)) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The checkpoint entry '${key}' fails its checksum: it was truncated or modified.`, { parameters: { key } });
  }
  return { version, json };
}
