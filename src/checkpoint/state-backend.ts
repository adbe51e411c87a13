/**
 * State changelogs and chunked snapshots in the checkpoint's key-value store, under the key
 * layout of state/state-store.ts (`stateKeys`):
 *   state/<op>/<part>/delta/<V>, state/<op>/<part>/snapshot/<V> (manifest) and
 *   state/<op>/<part>/snapshot-chunk/<V>/<n>.
 * Every value is framed by checkpoint/entry-format.ts (version line + CRC-32), so a truncated or
 * modified entry fails with CHECKPOINT_CORRUPT naming its key. Each write is its own batch: a
 * snapshot's chunks and its manifest are separate writes, the manifest last.
 */
import { stateKeys, type StateBackend } from '../state/state-store.js';
import type { KVStore } from '../storage/kv.js';
import { decodeText, encodeText } from './entry-format.js';

/** The frame version of state entries (their JSON carries the state format version). */
export const STATE_ENTRY_VERSION = 1;

export class KVStateBackend implements StateBackend {
  constructor(readonly kv: KVStore) {}

  async putChangelog(op: number, part: number, version: number, entry: string): Promise<void> {
    await this.#put(stateKeys.delta(op, part, version), entry);
  }
  getChangelog(op: number, part: number, version: number): Promise<string | undefined> {
    return this.#get(stateKeys.delta(op, part, version));
  }
  async putSnapshotChunk(op: number, part: number, version: number, chunk: number, rows: string): Promise<void> {
    await this.#put(stateKeys.chunk(op, part, version, chunk), rows);
  }
  getSnapshotChunk(op: number, part: number, version: number, chunk: number): Promise<string | undefined> {
    return this.#get(stateKeys.chunk(op, part, version, chunk));
  }
  async putSnapshotManifest(op: number, part: number, version: number, manifest: string): Promise<void> {
    await this.#put(stateKeys.manifest(op, part, version), manifest);
  }
  async deleteSnapshotManifest(op: number, part: number, version: number): Promise<void> {
    await this.kv.batch([{ type: 'del', key: stateKeys.manifest(op, part, version) }]);
  }
  async latestSnapshot(op: number, part: number, version: number): Promise<{ version: number; manifest: string } | undefined> {
    const prefix = stateKeys.manifestPrefix(op, part);
    for await (const [key, text] of this.kv.entries({ gte: prefix, lt: stateKeys.manifest(op, part, version + 1), reverse: true, limit: 1 })) {
      return { version: Number(key.slice(prefix.length)), manifest: decodeText(key, text, STATE_ENTRY_VERSION).json };
    }
    return undefined;
  }
  /**
   * One batch deleting changelogs <= `snapshotVersion` and manifests and chunks below it. The
   * chunk range also holds chunks of snapshots whose task crashed before the manifest.
   */
  async purge(op: number, part: number, snapshotVersion: number): Promise<void> {
    const ranges = [
      { gte: stateKeys.deltaPrefix(op, part), lt: stateKeys.delta(op, part, snapshotVersion + 1) },
      { gte: stateKeys.manifestPrefix(op, part), lt: stateKeys.manifest(op, part, snapshotVersion) },
      { gte: stateKeys.chunkPrefix(op, part), lt: stateKeys.chunksBelow(op, part, snapshotVersion) },
    ];
    const dels: { type: 'del'; key: string }[] = [];
    for (const range of ranges) for await (const [key] of this.kv.entries(range)) dels.push({ type: 'del', key });
    if (dels.length > 0) await this.kv.batch(dels);
  }

  async #put(key: string, json: string): Promise<void> {
    await this.kv.batch([{ type: 'put', key, value: encodeText(STATE_ENTRY_VERSION, json) }]);
  }
  async #get(key: string): Promise<string | undefined> {
    const text = await this.kv.get(key);
    return text === undefined ? undefined : decodeText(key, text, STATE_ENTRY_VERSION).json;
  }
}
