/**
 * The feature store icon: a table of feature columns over a database.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const FEATURE_STORE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <ellipse cx="12" cy="5" rx="8" ry="3"/>
    <path d="M4 7.5v4c0 1.7 3.6 3 8 3s8-1.3 8-3v-4c0 1.7-3.6 3-8 3s-8-1.3-8-3z"/>
    <path d="M4 14v4.5c0 1.7 3.6 3 8 3s8-1.3 8-3V14c0 1.7-3.6 3-8 3s-8-1.3-8-3z"/>
  </g>
</svg>`;

/** The icon of the feature store panel. */
export const featureStoreIcon = new LabIcon({
  name: 'jupyter-mlops-studio:featurestore',
  svgstr: FEATURE_STORE_SVG
});
