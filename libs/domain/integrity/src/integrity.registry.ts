import type { AssetClass } from '@twinline/contracts';
import type { AssetRules } from './integrity.rules';

/** A registered asset as the rules see it: its effective rules and whether it takes unsigned readings. */
export interface RegisteredAsset {
  readonly assetId: string;
  readonly assetClass: AssetClass;
  readonly acceptUnsigned: boolean;
  readonly rules: AssetRules;
}

/** A registered device: bound to one asset, with the secret it signs readings with. */
export interface RegisteredDevice {
  readonly deviceId: string;
  readonly assetId: string;
  readonly secret: string;
  readonly enabled: boolean;
}

/** The part of the registry a batch needs (looked up by the adapter in one query per batch). */
export interface RegistryView {
  readonly assets: Readonly<Record<string, RegisteredAsset>>;
  readonly devices: Readonly<Record<string, RegisteredDevice>>;
}

export const emptyRegistry: RegistryView = Object.freeze({ assets: Object.freeze({}), devices: Object.freeze({}) });
