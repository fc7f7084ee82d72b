import type { PassDetailJson, PassJson } from '@ticketing/common';
import QRCode from 'qrcode';
import { findPass, passesOfHolder } from '../db/passes.repository';
import type { PassesDeps } from './deps';
import { passNotFound } from './pass-errors';
import { toPassJson } from './pass-json';

/** Every pass the user holds or held, newest first. */
export async function listHolderPasses(deps: Pick<PassesDeps, 'db'>, holderId: string): Promise<PassJson[]> {
  return (await passesOfHolder(deps.db, holderId)).map(toPassJson);
}

/** One pass of its holder, with its code drawn as a QR code; anyone else is told it does not exist. */
export async function showHolderPass(
  deps: Pick<PassesDeps, 'db'>,
  { id, holderId }: { id: string; holderId: string },
): Promise<PassDetailJson> {
  const pass = await findPass(deps.db, id);
  if (!pass || pass.holderId !== holderId) throw passNotFound();
  const qrSvg = await QRCode.toString(pass.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { ...toPassJson(pass), qrSvg };
}
