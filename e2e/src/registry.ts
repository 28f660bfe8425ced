import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AssetRegistration } from '@twinline/contracts';
import { BACKFILL_SECONDS, signAll } from '@twinline/cli';

export interface TestDevice {
  readonly deviceId: string;
  readonly assetId: string;
  readonly secret: string;
}

export interface TestRegistry {
  /** For startHarness's extraEnv: integrity loads the file at start. */
  readonly env: { REGISTRY_FILE: string };
  readonly devices: Readonly<Record<string, TestDevice>>;
  /** Signs readings with their devices' secrets (readings of unknown devices stay unsigned). */
  sign<R extends { deviceId: string; assetId: string; seq: number; ts: string; metrics: Record<string, number | string> }>(readings: readonly R[]): R[];
}

/**
 * A registry file for one test run (a temporary file; the secrets are random per run): assets with
 * their registrations, one device per asset named `<assetId>-edge` unless told otherwise.
 */
export function testRegistry(assets: ReadonlyArray<{ assetId: string; registration?: Partial<AssetRegistration>; deviceIds?: string[] }>): TestRegistry {
  const dir = mkdtempSync(join(tmpdir(), 'twinline-registry-'));
  const devices: Record<string, TestDevice> = {};
  const file = {
    assets: assets.map((a) => ({ assetId: a.assetId, assetClass: 'pump', site: 'north-field', acceptUnsigned: false, rules: {}, ...a.registration })),
    devices: assets.flatMap((a) =>
      (a.deviceIds ?? [`${a.assetId}-edge`]).map((deviceId) => {
        devices[deviceId] = { deviceId, assetId: a.assetId, secret: randomBytes(24).toString('base64url') };
        return { deviceId, assetId: a.assetId, secret: devices[deviceId]!.secret };
      }),
    ),
  };
  const path = join(dir, 'registry.json');
  writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
  return {
    env: { REGISTRY_FILE: path },
    devices,
    sign: (readings) => signAll(readings, (deviceId) => devices[deviceId]?.secret ?? null) as never,
  };
}

/** The study's P-101 table is dated 2024: the asset takes readings that old (a backfill). */
export const P101_REGISTRATION: Partial<AssetRegistration> = { rules: { maxPastSeconds: BACKFILL_SECONDS } };
