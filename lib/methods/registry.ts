/**
 * The one place methods are registered by name. The kit's own
 * (`builtin-methods.ts`) are registered when this module loads; a user adds
 * theirs with {@link registerMethod} (in a script, a notebook cell, or a
 * module given to a command with `--register <file>`), and from then on the
 * evaluation, `evaluate --methods`, `explain`, the table and the notebooks'
 * method lists include it.
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../classifiers/black-box';
import { UserError } from '../core/user-error';
import { BUILTIN_METHODS } from './builtin-methods';
import type {
  MaskRequest,
  MethodOptions,
  MethodSpec,
  PreparedMethod,
  PrepareContext,
} from './method';

export type { MaskRequest, MethodOptions, MethodSpec, MethodTraits } from './method';

const registered = new Map<string, MethodSpec>();

/** Names usable in file names and flags: lower-case words joined by single hyphens. */
const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Registers a method under `spec.name`.
 * @param replace allow replacing a method registered under that name; default false.
 * @throws on a name that is not lower-case words joined by hyphens, or already registered.
 */
export function registerMethod<O extends object>(spec: MethodSpec<O>, replace = false): void {
  if (!NAME.test(spec.name))
    throw new UserError(
      `registerMethod: name '${spec.name}' must be lower-case letters and digits joined by single hyphens (it names results files)`,
    );
  if (registered.has(spec.name) && !replace)
    throw new UserError(`registerMethod: a method named '${spec.name}' is already registered`);
  if (typeof spec.run !== 'function')
    throw new UserError(`registerMethod: '${spec.name}' has no run function`);
  registered.set(spec.name, spec as unknown as MethodSpec);
}

/** Removes a registered method; returns whether one was registered under `name`. */
export function unregisterMethod(name: string): boolean {
  return registered.delete(name);
}

/** Every registered method, in registration order with reference methods last. */
export function registeredMethods(): MethodSpec[] {
  const all = [...registered.values()];
  return [
    ...all.filter((m) => !m.traits.readsGroundTruth),
    ...all.filter((m) => m.traits.readsGroundTruth),
  ];
}

/** The names of the saliency methods (every registered method but the reference rows). */
export function saliencyMethodNames(): string[] {
  return registeredMethods()
    .filter((m) => !m.traits.readsGroundTruth)
    .map((m) => m.name);
}

/** The names an evaluation can compare: the saliency methods, then the reference rows. */
export function evaluatedMethodNames(): string[] {
  return registeredMethods().map((m) => m.name);
}

/** The method registered as `name`; throws naming the registered ones otherwise. */
export function methodSpec(name: string): MethodSpec {
  const spec = registered.get(name);
  if (!spec)
    throw new UserError(
      `unknown method '${name}'; registered: ${evaluatedMethodNames().join(', ')}`,
    );
  return spec;
}

/**
 * Options of one method from two sources: settings (hashed into plans) and
 * runtime objects such as a loaded masker (not hashed); the runtime ones win.
 */
export function mergeMethodOptions(
  name: string,
  settings: object,
  runtime: MethodOptions,
): MethodOptions {
  return { [name]: { ...settings, ...(runtime[name] ?? {}) } };
}

/**
 * Masks of one method for one batch.
 * @param blackBox the black box explained; a `WhiteBox` for methods that need one.
 * @returns `[B, H, W, 1]` in [0, 1]; the caller disposes it.
 */
export async function methodMasks(
  name: string,
  blackBox: BlackBox,
  request: MaskRequest,
  options: MethodOptions = {},
): Promise<tf.Tensor4D> {
  return methodSpec(name).run(blackBox, request, options[name] ?? {});
}

/** What the methods of an evaluation bring for one black box (see {@link prepareMethods}). */
export interface MethodResources {
  /** Runtime options per method (a loaded masker), merged over the settings. */
  options: MethodOptions;
  /** Weight fingerprints per method that brings weights. */
  fingerprints: Readonly<Record<string, string>>;
  /** Methods whose `prepare` failed, with the reason (only with `skipUnavailable`). */
  unavailable: readonly { name: string; reason: string }[];
  /** Frees everything the methods loaded. */
  dispose(): void;
}

/**
 * Runs each method's `prepare` for one black box (the masker loads the
 * masker trained for it). On failure, what was loaded so far is freed.
 * @param skipUnavailable record a method whose `prepare` fails in `unavailable` and go on, instead of failing; default false.
 * @returns the resources; the caller calls `dispose()`.
 */
export async function prepareMethods(
  names: readonly string[],
  context: PrepareContext,
  skipUnavailable = false,
): Promise<MethodResources> {
  const options: Record<string, object> = {};
  const fingerprints: Record<string, string> = {};
  const unavailable: { name: string; reason: string }[] = [];
  const disposers: (() => void)[] = [];
  const dispose = () => disposers.splice(0).forEach((d) => d());
  try {
    for (const name of names) {
      const prepare = methodSpec(name).prepare;
      if (!prepare) continue;
      let prepared: PreparedMethod;
      try {
        prepared = await prepare(context);
      } catch (err) {
        if (!skipUnavailable) throw err;
        unavailable.push({ name, reason: (err as Error).message });
        continue;
      }
      disposers.push(() => prepared.dispose());
      options[name] = prepared.options;
      if (prepared.fingerprint !== undefined) fingerprints[name] = prepared.fingerprint;
    }
  } catch (err) {
    dispose();
    throw err;
  }
  return { options, fingerprints, unavailable, dispose };
}

/** Resources of no method (methods that load nothing). */
export const NO_METHOD_RESOURCES: MethodResources = Object.freeze({
  options: {},
  fingerprints: {},
  unavailable: [],
  dispose: () => undefined,
});

for (const spec of BUILTIN_METHODS) registerMethod(spec);
