import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PipelineJSON } from '@mlserve/pipeline';
import { ModelStore } from '../src/model-store';

export const kFixtures = join(__dirname, 'fixtures');
/** A float classifier: input "input" float32 [N, 4] -> label int64 [N], probabilities float32 [N, 3]. */
export const kClassifier = join(kFixtures, 'classifier.onnx');
/** The same classifier with a ZipMap output (sequence of maps). */
export const kZipMap = join(kFixtures, 'zipmap.onnx');
/** skl2onnx-shaped binary classifier: output_label (string) + ZipMap output_probability fed by probabilities; classes benign, malignant. */
export const kSklZipMap = join(kFixtures, 'skl_binary_strings_zipmap.onnx');
/** skl2onnx-shaped regressor: input [N, 3] -> variable float [N, 1]. */
export const kSklRegressor = join(kFixtures, 'skl_regressor.onnx');
/** A non-tensor output that is no ZipMap (a sequence of tensors). */
export const kSequenceOutput = join(kFixtures, 'sequence_output.onnx');

/** A pipeline.json (mlserve.pipeline/v1) producing the 4 columns the classifier expects. */
export function makePipelineJSON(): PipelineJSON {
  const columns = ['a', 'b', 'c', 'd'];
  const json = {
    format: 'mlserve.pipeline/v1',
    inputs: columns.map((name) => ({ name, type: 'number' })),
    steps: [
      {
        name: 'scaler',
        type: 'StandardScaler',
        withMean: true,
        withStd: true,
        mean: [1, 2, 3, 4],
        var: [1, 4, 9, 16],
        scale: [1, 2, 3, 4],
        nSamplesSeen: 10,
      },
    ],
  };
  return json as unknown as PipelineJSON;
}

/** A store in a fresh temporary directory; `cleanup()` removes it. */
export async function createTempStore(): Promise<{ store: ModelStore; root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'mlserve-store-test-'));
  return { store: new ModelStore({ root }), root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export const readJSON = async (file: string): Promise<any> => JSON.parse(await readFile(file, 'utf8'));

/** One entry of a hand-made tar archive. */
export interface TarEntry {
  name: string;
  /** `pax`: an extended header whose `data` holds records such as `path=...` for the next entry. */
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'pax';
  data?: Buffer | string;
  linkname?: string;
}

const hasData = (entry: TarEntry) => entry.type === undefined || entry.type === 'file' || entry.type === 'pax';

/** One pax record, `"<length> <key>=<value>\n"`, where the length counts the whole record. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length++;
  return `${length}${body}`;
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

/** Builds a gzipped ustar archive byte by byte, so tests can craft entries no tar tool would write. */
export function makeTarGz(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100, 'utf8');
    writeOctal(header, 100, 8, entry.type === 'dir' ? 0o755 : 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, hasData(entry) ? data.length : 0);
    writeOctal(header, 136, 12, 0);
    header.write({ file: '0', dir: '5', symlink: '2', hardlink: '1', pax: 'x' }[entry.type ?? 'file'], 156, 1, 'ascii');
    if (entry.linkname) header.write(entry.linkname, 157, 100, 'utf8');
    header.write('ustar\0', 257, 6, 'ascii');
    header.write('00', 263, 2, 'ascii');
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    blocks.push(header);
    if (hasData(entry) && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
