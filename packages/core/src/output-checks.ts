/**
 * Why a model whose outputs include non-tensor values that mlserve cannot serve is refused (say
 * a sequence that is not a ZipMap's): onnxruntime-node only returns tensors.
 */
export function nonTensorOutputMessage(kind: 'input' | 'output', names: readonly string[]): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  if (kind === 'input') return `input ${list} is not a tensor; mlserve feeds tensors only`;
  return (
    `output ${list} is not a tensor (a ZipMap or a sequence), and onnxruntime-node only returns tensors. ` +
    'A ZipMap fed by a probability tensor is served as that tensor; for other outputs, re-export the model with tensor outputs ' +
    "(skl2onnx: options={'zipmap': False} for a classifier, or the mlserve exporter `/usr/bin/python3 -m mlserve_sklearn export MODEL.pkl --out DIR`, which never emits ZipMap)"
  );
}
