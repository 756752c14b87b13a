/** The layout fields every chart shares. */
import type { Layout } from './types';

/** What every chart config shares: an optional title and the figure's size in pixels. */
export interface FrameConfig {
  title?: string;
  width: number;
  height: number;
}

/** The layout fields common to every chart: title (when given), width and height. */
export function frameLayout(cfg: FrameConfig): Pick<Layout, 'title' | 'width' | 'height'> {
  return {
    ...(cfg.title !== undefined ? { title: { text: cfg.title } } : {}),
    width: cfg.width,
    height: cfg.height,
  };
}
