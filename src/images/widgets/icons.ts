/**
 * The image build icon: a container box with a small crane hook.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const IMAGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 10h18v10H3V10zm2 2v6h2v-6H5zm4 0v6h2v-6H9zm4 0v6h2v-6h-2zm4 0v6h2v-6h-2z"/>
    <path d="M11 2h2v4h2v3H9V6h2V2z"/>
  </g>
</svg>`;

/** The icon of "Build image…" and of the Image builds section. */
export const imageBuildIcon = new LabIcon({
  name: 'jupyter-mlops-studio:image-build',
  svgstr: IMAGE_SVG
});
