import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { isPicklePath } from './save-input';

/** What a path given to `importModel` holds, judged by its first bytes rather than its name. */
export type ModelFileKind = 'missing' | 'directory' | 'archive' | 'pickle' | 'onnx' | 'unknown';

const kArchiveExtensions = ['.mlmodel', '.tgz', '.gz'];

/**
 * Tells an archive (gzip magic `1f 8b`), a pickle (protocol 2+ starts `80 02`..`80 05`, or a
 * pickle extension) and an ONNX model (a protobuf whose first field is `ir_version`, byte `08`)
 * apart by content, so a renamed file is still recognised. A file with an archive extension but
 * other content counts as an archive, to be refused with the archive's own message.
 */
export async function detectModelFile(path: string): Promise<ModelFileKind> {
  // refused by name even when missing: the explanation is what the user needs
  if (isPicklePath(path)) return 'pickle';
  const info = await stat(path).catch(() => undefined);
  if (!info) return 'missing';
  if (info.isDirectory()) return 'directory';
  const head = Buffer.alloc(2);
  const handle = await open(path, 'r');
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'archive';
  if (head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5) return 'pickle';
  if (kArchiveExtensions.includes(extname(path).toLowerCase())) return 'archive';
  if (head[0] === 0x08 || extname(path).toLowerCase() === '.onnx') return 'onnx';
  return 'unknown';
}
