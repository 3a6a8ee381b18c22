/**
 * The share icon: a notebook page with an outgoing arrow.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const SHARE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h9l3 3v4h-2V7h-3V5H6v14h6v2H4V3z"/>
    <path d="m17 12 5 4.5-5 4.5v-3h-4v-3h4v-3z"/>
  </g>
</svg>`;

/** The icon of "Share snapshot…" and of snapshot previews. */
export const shareIcon = new LabIcon({
  name: 'jupyter-mlops-studio:share-snapshot',
  svgstr: SHARE_SVG
});
