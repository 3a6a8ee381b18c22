/**
 * The gallery icon: a grid of four template cards, one of them starred.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const GALLERY_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="3" y="3" width="8" height="8" rx="1"/>
    <rect x="13" y="3" width="8" height="8" rx="1"/>
    <rect x="3" y="13" width="8" height="8" rx="1"/>
    <path d="m17 12.5 1.2 2.6 2.8.3-2.1 1.9.6 2.8-2.5-1.5-2.5 1.5.6-2.8-2.1-1.9 2.8-.3z"/>
  </g>
</svg>`;

/** The icon of the template gallery. */
export const galleryIcon = new LabIcon({
  name: 'jupyter-mlops-studio:gallery',
  svgstr: GALLERY_SVG
});
