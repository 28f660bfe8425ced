/**
 * JSON schemas of the custom resources the production overlay uses, which kubernetes-models (core
 * API only) cannot validate. Hand-written from the CloudNativePG API reference (postgresql.cnpg.io/v1)
 * and the Barman Cloud plugin's (barmancloud.cnpg.io/v1), restricted to the fields Twinline sets:
 * additionalProperties is false wherever we write fields, so a misspelt or misplaced field fails
 * the test instead of being ignored by the operator. Extend a schema when a manifest uses a new field.
 */
const name = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$' };
const cpuOrMemory = { oneOf: [quantity, { type: 'number', exclusiveMinimum: 0 }] };
const metadata = {
  type: 'object',
  required: ['name'],
  properties: { name, namespace: name, labels: stringMap, annotations: stringMap },
};
const resources = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: { type: 'object', additionalProperties: false, properties: { cpu: cpuOrMemory, memory: quantity } },
    limits: { type: 'object', additionalProperties: false, properties: { cpu: cpuOrMemory, memory: quantity } },
  },
};
const storage = {
  type: 'object',
  required: ['size'],
  additionalProperties: false,
  properties: { size: quantity, storageClass: { type: 'string' }, resizeInUseVolumes: { type: 'boolean' } },
};
const secretKeySelector = {
  type: 'object',
  required: ['name', 'key'],
  additionalProperties: false,
  properties: { name, key: { type: 'string', minLength: 1 } },
};
const resource = (apiVersion: string, kind: string, spec: object) => ({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec },
});

export const CNPG_CLUSTER = resource('postgresql.cnpg.io/v1', 'Cluster', {
  type: 'object',
  required: ['instances', 'storage'],
  additionalProperties: false,
  properties: {
    instances: { type: 'integer', minimum: 1 },
    imageName: { type: 'string', pattern: '^[^\\s:]+(:[^\\s]+)?$' },
    primaryUpdateStrategy: { enum: ['unsupervised', 'supervised'] },
    inheritedMetadata: { type: 'object', additionalProperties: false, properties: { labels: stringMap, annotations: stringMap } },
    bootstrap: {
      type: 'object',
      additionalProperties: false,
      properties: {
        initdb: {
          type: 'object',
          additionalProperties: false,
          properties: { database: name, owner: name, secret: { type: 'object', required: ['name'], additionalProperties: false, properties: { name } } },
        },
      },
    },
    postgresql: {
      type: 'object',
      additionalProperties: false,
      properties: {
        // Postgres parameters are strings in the CRD (map[string]string): quote numbers.
        parameters: stringMap,
        synchronous: {
          type: 'object',
          required: ['method', 'number'],
          additionalProperties: false,
          properties: { method: { enum: ['any', 'first'] }, number: { type: 'integer', minimum: 1 }, dataDurability: { enum: ['required', 'preferred'] } },
        },
      },
    },
    storage,
    walStorage: storage,
    resources,
    affinity: {
      type: 'object',
      additionalProperties: false,
      properties: { enablePodAntiAffinity: { type: 'boolean' }, podAntiAffinityType: { enum: ['preferred', 'required'] }, topologyKey: { type: 'string' } },
    },
    plugins: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, enabled: { type: 'boolean' }, isWALArchiver: { type: 'boolean' }, parameters: stringMap },
      },
    },
  },
});

export const CNPG_SCHEDULED_BACKUP = resource('postgresql.cnpg.io/v1', 'ScheduledBackup', {
  type: 'object',
  required: ['schedule', 'cluster'],
  additionalProperties: false,
  properties: {
    // Six fields, seconds first (robfig/cron), e.g. "0 0 2 * * *".
    schedule: { type: 'string', pattern: '^\\S+(\\s+\\S+){5}$' },
    cluster: { type: 'object', required: ['name'], additionalProperties: false, properties: { name } },
    backupOwnerReference: { enum: ['none', 'self', 'cluster'] },
    immediate: { type: 'boolean' },
    suspend: { type: 'boolean' },
    method: { enum: ['barmanObjectStore', 'volumeSnapshot', 'plugin'] },
    pluginConfiguration: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, parameters: stringMap } },
  },
  if: { properties: { method: { const: 'plugin' } }, required: ['method'] },
  then: { required: ['pluginConfiguration'] },
});

const compression = { enum: ['gzip', 'bzip2', 'lz4', 'snappy', 'xz', 'zstd'] };
export const BARMAN_OBJECT_STORE = resource('barmancloud.cnpg.io/v1', 'ObjectStore', {
  type: 'object',
  required: ['configuration'],
  additionalProperties: false,
  properties: {
    retentionPolicy: { type: 'string', pattern: '^[1-9][0-9]*[dwm]$' },
    configuration: {
      type: 'object',
      required: ['destinationPath'],
      additionalProperties: false,
      properties: {
        destinationPath: { type: 'string', pattern: '^(s3|gs|https?)://' },
        endpointURL: { type: 'string', pattern: '^https?://' },
        s3Credentials: {
          type: 'object',
          additionalProperties: false,
          properties: { accessKeyId: secretKeySelector, secretAccessKey: secretKeySelector, region: secretKeySelector, sessionToken: secretKeySelector, inheritFromIAMRole: { type: 'boolean' } },
        },
        wal: { type: 'object', additionalProperties: false, properties: { compression, maxParallel: { type: 'integer', minimum: 1 }, encryption: { type: 'string' } } },
        data: { type: 'object', additionalProperties: false, properties: { compression, jobs: { type: 'integer', minimum: 1 }, encryption: { type: 'string' }, immediateCheckpoint: { type: 'boolean' } } },
      },
    },
  },
});

/** Custom resources the overlays may contain (apiVersion/kind → schema). Anything else unknown fails. */
export const CRD_SCHEMAS: Readonly<Record<string, object>> = {
  'postgresql.cnpg.io/v1/Cluster': CNPG_CLUSTER,
  'postgresql.cnpg.io/v1/ScheduledBackup': CNPG_SCHEDULED_BACKUP,
  'barmancloud.cnpg.io/v1/ObjectStore': BARMAN_OBJECT_STORE,
};
