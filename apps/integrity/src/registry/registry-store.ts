import type { Pool, PoolClient } from 'pg';
import type { AssetClass, RuleOverrides } from '@twinline/contracts';
import { rulesFor, type RegistryView } from '@twinline/domain-integrity';
import { DomainError, quoteIdent, withTransaction } from '@twinline/service-kit';

/** An asset as the registry API shows it. */
export interface AssetRecord {
  assetId: string;
  assetClass: AssetClass;
  site: string;
  /** Development only: readings without a signature are accepted. */
  acceptUnsigned: boolean;
  /** The asset's own overrides, and the effective rules (class defaults with the overrides). */
  rules: RuleOverrides;
  effectiveRules: ReturnType<typeof rulesFor>;
  devices: number;
  updatedAt: string;
  updatedBy: string;
}

/** A device as the registry API shows it: never its secret. */
export interface DeviceRecord {
  deviceId: string;
  assetId: string;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface AssetWrite {
  assetId: string;
  assetClass: AssetClass;
  site: string;
  acceptUnsigned: boolean;
  rules: RuleOverrides;
}

export interface DeviceWrite {
  deviceId: string;
  assetId: string;
  enabled: boolean;
  /** Omitted: the stored secret is kept (a new device must have one). */
  secret?: string;
}

/** A registry write that contradicts what is registered: 409 naming the field. */
export function registryConflict(field: string, message: string): DomainError {
  return new DomainError('REGISTRY.CONFLICT', `${field}: ${message}`, 409, { errors: [{ field, message }] });
}

/**
 * Integrity's registry of assets and devices. Every change is attributed and logged in
 * `registry_changes` (never with secrets). The rules read it once per batch.
 */
export class RegistryStore {
  private readonly s: string;
  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = quoteIdent(schema);
  }

  /** The assets and devices a batch names, with each asset's effective rules. */
  async view(assetIds: readonly string[], deviceIds: readonly string[]): Promise<RegistryView> {
    const [assets, devices] = await Promise.all([
      this.pool.query<{ asset_id: string; asset_class: AssetClass; accept_unsigned: boolean; rules: RuleOverrides }>(
        `SELECT asset_id, asset_class, accept_unsigned, rules FROM ${this.s}.assets WHERE asset_id = ANY($1::text[])`,
        [assetIds],
      ),
      this.pool.query<{ device_id: string; asset_id: string; secret: string; enabled: boolean }>(
        `SELECT device_id, asset_id, secret, enabled FROM ${this.s}.devices WHERE device_id = ANY($1::text[])`,
        [deviceIds],
      ),
    ]);
    return {
      assets: Object.fromEntries(
        assets.rows.map((a) => [a.asset_id, { assetId: a.asset_id, assetClass: a.asset_class, acceptUnsigned: a.accept_unsigned, rules: rulesFor(a.asset_class, a.rules) }]),
      ),
      devices: Object.fromEntries(devices.rows.map((d) => [d.device_id, { deviceId: d.device_id, assetId: d.asset_id, secret: d.secret, enabled: d.enabled }])),
    };
  }

  /** Upserts assets and devices in one transaction (the registry file, or one API call). */
  async put(writes: { assets?: readonly AssetWrite[]; devices?: readonly DeviceWrite[] }, actor: string): Promise<void> {
    await withTransaction(this.pool, async (c) => {
      for (const a of writes.assets ?? []) {
        await c.query(
          `INSERT INTO ${this.s}.assets (asset_id, asset_class, site, accept_unsigned, rules, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (asset_id) DO UPDATE SET asset_class = EXCLUDED.asset_class, site = EXCLUDED.site, accept_unsigned = EXCLUDED.accept_unsigned,
             rules = EXCLUDED.rules, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [a.assetId, a.assetClass, a.site, a.acceptUnsigned, JSON.stringify(a.rules), actor],
        );
        await this.logChange(c, actor, 'asset', a.assetId, a);
      }
      for (const d of writes.devices ?? []) {
        const asset = await c.query(`SELECT 1 FROM ${this.s}.assets WHERE asset_id = $1`, [d.assetId]);
        if (!asset.rowCount) throw registryConflict('assetId', `asset ${d.assetId} is not registered: register the asset before its devices`);
        const r = await c.query(
          `INSERT INTO ${this.s}.devices (device_id, asset_id, secret, enabled, updated_by)
           SELECT $1, $2, $3, $4, $5 WHERE $3::text IS NOT NULL OR EXISTS (SELECT 1 FROM ${this.s}.devices WHERE device_id = $1)
           ON CONFLICT (device_id) DO UPDATE SET asset_id = EXCLUDED.asset_id, secret = COALESCE($3, ${this.s}.devices.secret), enabled = EXCLUDED.enabled,
             updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [d.deviceId, d.assetId, d.secret ?? null, d.enabled, actor],
        );
        if (!r.rowCount) throw registryConflict('secret', `device ${d.deviceId} is new: it needs a secret`);
        const { secret, ...logged } = d;
        await this.logChange(c, actor, 'device', d.deviceId, { ...logged, secretChanged: secret !== undefined });
      }
    });
  }

  async deviceExists(deviceId: string): Promise<boolean> {
    const r = await this.pool.query(`SELECT 1 FROM ${this.s}.devices WHERE device_id = $1`, [deviceId]);
    return (r.rowCount ?? 0) > 0;
  }

  async assets(filter: { assetId?: string } = {}): Promise<AssetRecord[]> {
    const r = await this.pool.query(
      `SELECT a.*, (SELECT count(*) FROM ${this.s}.devices d WHERE d.asset_id = a.asset_id) AS devices
       FROM ${this.s}.assets a ${filter.assetId ? 'WHERE a.asset_id = $1' : ''} ORDER BY a.asset_id`,
      filter.assetId ? [filter.assetId] : [],
    );
    return r.rows.map((a) => ({
      assetId: a.asset_id,
      assetClass: a.asset_class,
      site: a.site,
      acceptUnsigned: a.accept_unsigned,
      rules: a.rules,
      effectiveRules: rulesFor(a.asset_class, a.rules),
      devices: Number(a.devices),
      updatedAt: new Date(a.updated_at).toISOString(),
      updatedBy: a.updated_by,
    }));
  }

  async devices(filter: { assetId?: string; deviceId?: string } = {}): Promise<DeviceRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.assetId) where.push(`asset_id = $${params.push(filter.assetId)}`);
    if (filter.deviceId) where.push(`device_id = $${params.push(filter.deviceId)}`);
    const r = await this.pool.query(
      `SELECT device_id, asset_id, enabled, updated_at, updated_by FROM ${this.s}.devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY device_id`,
      params,
    );
    return r.rows.map((d) => ({ deviceId: d.device_id, assetId: d.asset_id, enabled: d.enabled, updatedAt: new Date(d.updated_at).toISOString(), updatedBy: d.updated_by }));
  }

  private async logChange(c: PoolClient, actor: string, kind: string, subjectId: string, change: unknown): Promise<void> {
    await c.query(`INSERT INTO ${this.s}.registry_changes (actor, kind, subject_id, change) VALUES ($1, $2, $3, $4)`, [actor, kind, subjectId, JSON.stringify(change)]);
  }
}
