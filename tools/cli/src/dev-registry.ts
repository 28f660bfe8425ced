import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { registryFileSchema, signReading, type AssetRegistration, type RegistryFile, type SignedFields } from '@twinline/contracts';
import { ROOT } from './platform';

/** The study's P-101 table is dated 2024: its asset accepts readings that old (a backfill). */
export const BACKFILL_SECONDS = 20 * 365 * 86_400;

/** Where `twinline up` keeps its local secrets and registry: `.twinline/` (ignored by git). */
export const LOCAL_DIR = join(ROOT, '.twinline');

export interface DevAsset {
  readonly assetId: string;
  readonly deviceId: string;
  readonly registration: AssetRegistration;
}

/** The demo's assets: P-101 (the study's pump), registered with one signing device each. */
export const DEMO_ASSETS: readonly DevAsset[] = [
  { assetId: 'P-101', deviceId: 'P-101-edge', registration: { assetClass: 'pump', site: 'demo-site', acceptUnsigned: false, rules: { maxPastSeconds: BACKFILL_SECONDS } } },
];

/**
 * Writes a registry file for integrity (REGISTRY_FILE) with each asset and its device. Device
 * secrets are generated once into `<dir>/devices/<deviceId>.key` (mode 0600) and referenced by
 * `secretFile`, so the registry file itself holds no secret.
 */
export function writeDevRegistry(dir: string, assets: readonly DevAsset[]): string {
  mkdirSync(join(dir, 'devices'), { recursive: true, mode: 0o700 });
  const file: RegistryFile = { assets: [], devices: [] };
  for (const a of assets) {
    const keyFile = join(dir, 'devices', `${a.deviceId}.key`);
    if (!existsSync(keyFile)) {
      writeFileSync(keyFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
      chmodSync(keyFile, 0o600);
    }
    file.assets.push({ assetId: a.assetId, ...a.registration });
    file.devices.push({ deviceId: a.deviceId, assetId: a.assetId, enabled: true, secretFile: `devices/${a.deviceId}.key` });
  }
  const path = join(dir, 'registry.json');
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

/**
 * The secret of a device for the simulator: TWINLINE_DEVICE_SECRET, else the local registry file
 * (`twinline up` writes one), else null (the readings go unsigned and integrity quarantines them
 * unless their asset accepts unsigned readings).
 */
export function deviceSecret(deviceId: string, registryFile = process.env.REGISTRY_FILE ?? join(LOCAL_DIR, 'registry.json')): string | null {
  if (process.env.TWINLINE_DEVICE_SECRET) return process.env.TWINLINE_DEVICE_SECRET;
  if (!existsSync(registryFile)) return null;
  const parsed = registryFileSchema.safeParse(JSON.parse(readFileSync(registryFile, 'utf8')));
  const device = parsed.success ? parsed.data.devices.find((d) => d.deviceId === deviceId) : undefined;
  if (!device) return null;
  if (device.secret) return device.secret;
  if (device.secretEnv) return process.env[device.secretEnv] ?? null;
  const path = isAbsolute(device.secretFile!) ? device.secretFile! : resolve(dirname(registryFile), device.secretFile!);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
}

/** Signs each reading with its device's secret (as a device does before sending). */
export function signAll<R extends SignedFields>(readings: readonly R[], secretOf: (deviceId: string) => string | null): Array<R | (R & { signature: string })> {
  const secrets = new Map<string, string | null>();
  return readings.map((r) => {
    if (!secrets.has(r.deviceId)) secrets.set(r.deviceId, secretOf(r.deviceId));
    const secret = secrets.get(r.deviceId);
    return secret ? signReading(r, secret) : r;
  });
}
