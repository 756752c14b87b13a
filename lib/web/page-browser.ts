/**
 * Debian's Chromium, headless, for the browser page's tests and benchmark
 * (test/web/, experiments/bench/bench-browser.ts). No GPU is used: WebGL runs
 * on SwiftShader through ANGLE, WebGPU on SwiftShader's Vulkan when asked
 * for, and the fake camera plays a `.y4m` file.
 */
import * as fs from 'fs';
import { chromium, Browser } from 'playwright-core';
import { CHROMIUM_PACKAGE, CHROMIUM_FLAGS, findChromium } from '../plot/png-export';

/** Options of {@link launchPageBrowser}. */
export interface PageBrowserOptions {
  /** Offer WebGPU (on SwiftShader); without it the page's WebGPU backend cannot start. */
  webgpu: boolean;
  /** A `.y4m` file the fake camera plays, access granted without asking. */
  fakeCamera?: string;
  /** Without `fakeCamera`: a fake camera whose access is refused (headless Chromium cannot ask). */
  deniedCamera?: boolean;
}

/** Flags for SwiftShader WebGL (and WebGPU) and the fake camera; the GPU-less flags of png-export otherwise. */
export function pageBrowserFlags(options: PageBrowserOptions): string[] {
  const flags = CHROMIUM_FLAGS.filter((f) => f !== '--disable-gpu');
  flags.push('--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist');
  if (options.webgpu) flags.push('--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader');
  if (options.fakeCamera)
    flags.push(
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${options.fakeCamera}`,
    );
  else if (options.deniedCamera) flags.push('--use-fake-device-for-media-stream');
  return flags;
}

/**
 * Starts the browser.
 * @throws naming the Debian package when Chromium is missing, and a fake camera file that is not there.
 */
export async function launchPageBrowser(options: PageBrowserOptions): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      `headless Chromium not found: the browser page's checks need the Debian package '${CHROMIUM_PACKAGE}' (or CHROMIUM_PATH)`,
    );
  if (options.fakeCamera && !fs.existsSync(options.fakeCamera))
    throw new Error(`the fake camera's file ${options.fakeCamera} is missing`);
  return chromium.launch({ executablePath, args: pageBrowserFlags(options), timeout: 60000 });
}
