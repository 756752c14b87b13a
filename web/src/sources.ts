/**
 * Where the page's frames come from: the generated clip (`clip/clip.json`
 * and the `.y4m` file it names, written by experiments/tools/make-clip.ts,
 * with true boxes), a `.y4m` or any video file the browser plays, or the
 * camera. Every source hands out frames that `tf.browser.fromPixels` reads.
 */
import type { ClipItemTruth, ClipTruth } from '../../lib/video/moving-clip';
import { readY4m } from '../../lib/video/y4m';

/** One frame to explain. */
export interface Frame {
  pixels: ImageData | HTMLVideoElement;
  /** Frame number within the source. */
  index: number;
  /** The items on this frame and their true boxes, for the generated clip. */
  truth?: ClipItemTruth[];
  /** The size of the scene the true boxes are given in (the frame's pixels may be scaled up). */
  scene?: { width: number; height: number };
  /** The clip's class names, indexed by the truth's labels. */
  truthClassNames?: readonly string[];
}

/** A source of frames; `stop()` releases it (camera, object URL). */
export interface FrameSource {
  /** Says what it is, for the page. */
  label: string;
  /**
   * The frame to show now: with `step`, the next frame of a clip in order
   * (every frame once, as fast as the loop runs); without, the frame due at
   * the current time. `null` while a video has no frame yet.
   */
  frame(step: boolean): Frame | null;
  stop(): void;
}

/** Decoded frames played from memory. */
class FramesSource implements FrameSource {
  private next = 0;
  private readonly start = performance.now();
  constructor(
    readonly label: string,
    private readonly frames: ImageData[],
    private readonly fps: number,
    private readonly truth?: ClipTruth,
  ) {}

  frame(step: boolean): Frame {
    const index = step
      ? this.next++ % this.frames.length
      : Math.floor(((performance.now() - this.start) / 1000) * this.fps) % this.frames.length;
    const truth = this.truth;
    return {
      pixels: this.frames[index],
      index,
      truth: truth?.frames[index]?.items,
      scene: truth && { width: truth.width, height: truth.height },
      truthClassNames: truth?.classNames,
    };
  }

  stop(): void {}
}

/** RGB frames as RGBA ImageData. */
function imageData(frames: Uint8ClampedArray[], width: number, height: number): ImageData[] {
  return frames.map((rgb) => {
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
      rgba[q] = rgb[p];
      rgba[q + 1] = rgb[p + 1];
      rgba[q + 2] = rgb[p + 2];
      rgba[q + 3] = 255;
    }
    return new ImageData(rgba, width, height);
  });
}

/** The decoded frames of a `.y4m` file, or throws naming the file and the cause. */
function decodeY4m(bytes: Uint8Array, name: string): ReturnType<typeof readY4m> {
  try {
    return readY4m(bytes);
  } catch (err) {
    throw new Error(`${name} cannot be played: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Opens the generated clip.
 * @param url its `clip.json`.
 * @throws naming the address and the command that makes the clip.
 */
export async function openClip(url = 'clip/clip.json'): Promise<FrameSource> {
  const res = await fetch(url);
  if (!res.ok)
    throw new Error(
      `the generated clip ${url} answered ${res.status}: make it with npx ts-node --transpile-only experiments/tools/make-clip.ts`,
    );
  const truth = (await res.json()) as ClipTruth;
  if (truth.format !== 'saliency-clip/1' || !truth.video)
    throw new Error(`${url} is not a clip description (format ${String(truth.format)})`);
  const videoUrl = new URL(truth.video.file, new URL(url, location.href)).href;
  const video = await fetch(videoUrl);
  if (!video.ok) throw new Error(`the clip's video ${videoUrl} answered ${video.status}`);
  const clip = decodeY4m(new Uint8Array(await video.arrayBuffer()), videoUrl);
  if (clip.frames.length !== truth.frames.length)
    throw new Error(
      `${videoUrl} holds ${clip.frames.length} frames, ${url} describes ${truth.frames.length}`,
    );
  const frames = imageData(clip.frames, clip.width, clip.height);
  return new FramesSource(`generated clip (${frames.length} frames)`, frames, clip.fps, truth);
}

/** A `<video>` element as a source. */
class VideoSource implements FrameSource {
  private count = 0;
  constructor(
    readonly label: string,
    private readonly video: HTMLVideoElement,
    private readonly release: () => void,
  ) {}

  frame(): Frame | null {
    if (this.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return null;
    return { pixels: this.video, index: this.count++ };
  }

  stop(): void {
    this.video.pause();
    this.release();
  }
}

/** Plays a video element until it has a frame; throws naming the cause when it cannot. */
async function playVideo(video: HTMLVideoElement, what: string): Promise<void> {
  video.muted = true;
  video.loop = true;
  video.playsInline = true;
  await new Promise<void>((resolve, reject) => {
    video.onloadeddata = () => resolve();
    video.onerror = () => {
      const code = video.error?.code;
      const why =
        code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
          ? 'its format is not supported by this browser'
          : (video.error?.message ?? `media error ${code}`);
      reject(new Error(`${what} cannot be played: ${why}`));
    };
  });
  await video.play();
}

/**
 * Opens a file the user picked: a `.y4m` file is decoded here, anything else
 * goes to a `<video>` element.
 * @throws naming the file and the cause when it cannot be played.
 */
export async function openFile(file: File): Promise<FrameSource> {
  if (file.name.toLowerCase().endsWith('.y4m')) {
    const clip = decodeY4m(new Uint8Array(await file.arrayBuffer()), file.name);
    if (clip.frames.length === 0) throw new Error(`${file.name} holds no frame`);
    return new FramesSource(file.name, imageData(clip.frames, clip.width, clip.height), clip.fps);
  }
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.src = url;
  try {
    await playVideo(video, file.name);
  } catch (err) {
    URL.revokeObjectURL(url);
    throw err;
  }
  return new VideoSource(file.name, video, () => URL.revokeObjectURL(url));
}

/**
 * Opens the camera.
 * @throws naming the cause: no camera API, access denied, no camera.
 */
export async function openCamera(): Promise<FrameSource> {
  if (!navigator.mediaDevices?.getUserMedia)
    throw new Error('this page has no camera API (it needs a secure context such as localhost)');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  } catch (err) {
    const e = err as DOMException;
    const why =
      e.name === 'NotAllowedError'
        ? 'access to the camera was denied'
        : e.name === 'NotFoundError'
          ? 'no camera was found'
          : `${e.name}: ${e.message}`;
    throw new Error(`the camera cannot be used: ${why}`, { cause: err });
  }
  const video = document.createElement('video');
  video.srcObject = stream;
  const release = () => stream.getTracks().forEach((t) => t.stop());
  try {
    await playVideo(video, 'the camera stream');
  } catch (err) {
    release();
    throw err;
  }
  const track = stream.getVideoTracks()[0];
  return new VideoSource(`camera (${track?.label || 'unnamed'})`, video, release);
}
