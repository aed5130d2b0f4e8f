/** The parts of a pod spec Pod Security Standards look at. */
interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  volumes?: Array<Record<string, unknown> & { name: string }>;
  containers: Array<{
    name: string;
    securityContext?: SecurityContext & { privileged?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
    ports?: Array<{ hostPort?: number }>;
  }>;
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: { type?: string };
}

// The volume types the "restricted" level allows.
const kRestrictedVolumes = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * The rules of Kubernetes' Pod Security Standard "restricted" (baseline included) that a pod spec
 * breaks, one message each; empty when it passes. https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export function checkPodSecurityRestricted(pod: PodSpec): string[] {
  const problems: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('host namespaces are shared');
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!type || !kRestrictedVolumes.has(type)) problems.push(`volume ${volume.name} has type ${type}`);
  }
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) problems.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${c.name}: capabilities.drop lacks ALL`);
    if ((sc.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')) problems.push(`${c.name}: adds capabilities`);
    if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) problems.push(`${c.name}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pod.securityContext?.runAsUser) === 0) problems.push(`${c.name}: runs as uid 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${c.name}: seccompProfile is not RuntimeDefault or Localhost`);
    if ((c.ports ?? []).some((p) => p.hostPort)) problems.push(`${c.name}: uses a hostPort`);
  }
  return problems;
}
