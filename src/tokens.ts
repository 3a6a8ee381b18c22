/**
 * The tokens of the studio frontend.
 */
import { Token } from '@lumino/coreutils';

import type { StudioModel } from './model';

/**
 * The studio model: the signed-in user, their permissions and spaces.
 *
 * Other studio plugins (snapshots, gallery, registry …) require it to know
 * who is signed in and which spaces exist, instead of polling again.
 */
export const IStudioModel = new Token<StudioModel>(
  'jupyter-mlops-studio:IStudioModel',
  'The studio model: the signed-in user, their permissions and spaces, refreshed by a poll.'
);
