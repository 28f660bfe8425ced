/**
 * A small evaluator of Kubernetes NetworkPolicies (networking.k8s.io/v1), enough to check that the
 * rendered policies allow the flows of the design and deny the others. It follows the API's
 * semantics: a pod is isolated for a direction once any policy selecting it lists that direction;
 * an isolated pod accepts a connection when any rule of those policies matches the peer and port;
 * a connection needs the source's egress and the destination's ingress. ipBlock peers are matched
 * against external addresses only (whether they match pod IPs depends on the CNI).
 */
import type { INetworkPolicy, INetworkPolicyPeer, INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';

type LabelSelector = NonNullable<INetworkPolicyPeer['podSelector']>;
export type Labels = Readonly<Record<string, string>>;

/** A pod (namespace + labels) or an address outside the cluster (ip). */
export type Endpoint = { readonly name: string; readonly namespace: string; readonly labels: Labels } | { readonly name: string; readonly ip: string };

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

export function matchesSelector(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(value!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const isPod = (e: Endpoint): e is Extract<Endpoint, { namespace: string }> => 'namespace' in e;

function ipv4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function cidrContains(cidr: string, address: string): boolean {
  const [network, bits] = cidr.split('/');
  const net = ipv4(network ?? '');
  const ip = ipv4(address);
  if (net === undefined || ip === undefined) return false; // IPv6 blocks never match IPv4 addresses
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(net / size) === Math.floor(ip / size);
}

function peerMatches(peer: INetworkPolicyPeer, policyNamespace: string, target: Endpoint, namespaceLabels: (ns: string) => Labels): boolean {
  if (peer.ipBlock) {
    if (isPod(target)) return false;
    return cidrContains(peer.ipBlock.cidr, target.ip) && !(peer.ipBlock.except ?? []).some((c) => cidrContains(c, target.ip));
  }
  if (!isPod(target)) return false;
  if (peer.namespaceSelector) {
    return matchesSelector(peer.namespaceSelector, namespaceLabels(target.namespace)) && matchesSelector(peer.podSelector, target.labels);
  }
  return target.namespace === policyNamespace && matchesSelector(peer.podSelector, target.labels);
}

function portMatches(ports: INetworkPolicyPort[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port !== 'number') return false; // named ports are not used by Twinline's policies
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

function policyTypes(policy: INetworkPolicy): string[] {
  const spec = policy.spec!;
  return spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
}

/** Whether the policies allow one side of a connection: `subject`'s egress to `peer`, or its ingress from `peer`. */
function sideAllowed(policies: INetworkPolicy[], direction: 'Ingress' | 'Egress', subject: Endpoint, peer: Endpoint, port: number, protocol: string, namespaceLabels: (ns: string) => Labels): boolean {
  if (!isPod(subject)) return true; // the world outside the cluster is not governed here
  const selecting = policies.filter((p) => (p.metadata?.namespace ?? '') === subject.namespace && matchesSelector(p.spec!.podSelector, subject.labels) && policyTypes(p).includes(direction));
  if (selecting.length === 0) return true;
  return selecting.some((policy) => {
    const rules = direction === 'Egress' ? (policy.spec!.egress ?? []) : (policy.spec!.ingress ?? []);
    return rules.some((rule) => {
      const peers = direction === 'Egress' ? (rule as { to?: INetworkPolicyPeer[] }).to : (rule as { from?: INetworkPolicyPeer[] }).from;
      const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, subject.namespace, peer, namespaceLabels));
      return peerOk && portMatches(rule.ports, port, protocol);
    });
  });
}

/** Whether a connection is allowed by the policies (source egress and destination ingress). */
export function connectionAllowed(policies: INetworkPolicy[], c: Connection, namespaceLabels: (ns: string) => Labels = (ns) => ({ 'kubernetes.io/metadata.name': ns })): boolean {
  const protocol = c.protocol ?? 'TCP';
  return sideAllowed(policies, 'Egress', c.from, c.to, c.port, protocol, namespaceLabels) && sideAllowed(policies, 'Ingress', c.to, c.from, c.port, protocol, namespaceLabels);
}
