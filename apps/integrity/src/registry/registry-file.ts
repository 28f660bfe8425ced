import { readFileSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';
import { parseContract, registryFileSchema, type RegistryFile } from '@twinline/contracts';
import { RuleOverrideError, rulesFor } from '@twinline/domain-integrity';
import type { AssetWrite, DeviceWrite } from './registry-store';

/** A registry file that cannot be loaded: the service does not start, and says which entry is wrong. */
export class RegistryFileError extends Error {
  constructor(file: string, problem: string) {
    super(`REGISTRY_FILE ${file}: ${problem}`);
    this.name = 'RegistryFileError';
  }
}

/**
 * Reads the registry file (JSON): assets and devices to upsert at start. A device's secret comes
 * from exactly one of `secret` (only in files kept outside the repository), `secretEnv` (an
 * environment variable) or `secretFile` (a path, relative to the registry file; e.g. a mounted
 * Kubernetes Secret).
 */
export function readRegistryFile(file: string, env: NodeJS.ProcessEnv = process.env): { assets: AssetWrite[]; devices: DeviceWrite[] } {
  let parsed: RegistryFile;
  try {
    parsed = parseContract(registryFileSchema, JSON.parse(readFileSync(file, 'utf8')), 'registry file');
  } catch (error) {
    throw new RegistryFileError(file, (error as Error).message);
  }
  const assets = parsed.assets.map((a, i) => {
    try {
      rulesFor(a.assetClass, a.rules);
    } catch (error) {
      if (error instanceof RuleOverrideError) throw new RegistryFileError(file, `assets.${i}.${error.message}`);
      throw error;
    }
    return { assetId: a.assetId, assetClass: a.assetClass, site: a.site, acceptUnsigned: a.acceptUnsigned, rules: a.rules };
  });
  const devices = parsed.devices.map((d, i): DeviceWrite => {
    let secret = d.secret;
    if (d.secretEnv !== undefined) {
      secret = env[d.secretEnv];
      if (!secret) throw new RegistryFileError(file, `devices.${i}.secretEnv: environment variable ${d.secretEnv} is not set`);
    }
    if (d.secretFile !== undefined) {
      const path = isAbsolute(d.secretFile) ? d.secretFile : resolve(dirname(file), d.secretFile);
      try {
        secret = readFileSync(path, 'utf8').trim();
      } catch (error) {
        throw new RegistryFileError(file, `devices.${i}.secretFile: cannot read ${path}: ${(error as Error).message}`);
      }
    }
    if (!secret || secret.length < 16) throw new RegistryFileError(file, `devices.${i}: the secret of device ${d.deviceId} must be at least 16 characters`);
    return { deviceId: d.deviceId, assetId: d.assetId, enabled: d.enabled, secret };
  });
  return { assets, devices };
}
