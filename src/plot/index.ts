// The plot namespace: pictures of descents, landscapes, sweeps and training histories as Vega-Lite charts,
// rendered to SVG (Vega) and PNG (resvg) with a font shipped with the package.

export { Chart, toSVG, toPNG, save, fontFiles, type RenderOptions, type VegaLiteSpec, type JsonValue } from './render.js';
export {
  descent1d, landscape2d, trajectories,
  type Run, type Descent1dOptions, type Landscape2dOptions, type TrajectoriesOptions, type TrajectoryQuantity,
} from './descent.js';
export { sweep, history, type SweepPlotOptions, type HistoryPlotOptions } from './tables.js';
export { scatter, imageGrid, type ScatterSeries, type ScatterOptions, type ImageGridOptions } from './points.js';
