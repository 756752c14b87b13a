/**
 * The command-line flags that name a user's model, shared by every command
 * that explains one: `--model` (a model.json, its folder, an http(s) URL or a
 * model card) and the declarations `--input-size --channels --preprocessing
 * --output --outputs --labels --format`, each optional because the model
 * describes itself (lib/classifiers/tfjs-model-black-box.ts). {@link addModelFlags}
 * declares them on a commander program; {@link modelOptionsFromFlags} turns
 * their values into {@link loadTfjsModel}'s arguments.
 */
import type { Command } from 'commander';
import {
  flagOf,
  NumberRule,
  parseChoice,
  parseFile,
  parseNumber,
  parseNumberTuple,
  POSITIVE_INTEGER,
  POSITIVE_NUMBER,
} from '../commands/cli';
import { UserError } from '../core/user-error';
import { InputPreprocessing, preprocessingFromJson } from './input-preprocessing';
import type { LoadTfjsModelOptions, ModelFormat } from './load-tfjs-model';
import { DECLARED_OUTPUTS } from './output-kind';

/** The flags' values as commander hands them over (strings; absent when not given). */
export interface ModelFlags {
  model: string;
  inputSize?: string;
  channels?: string;
  preprocessing?: string;
  output?: string;
  outputs?: string;
  labels?: string;
  format?: string;
}

/** The keys of the declarations beside `--model`, for commands that refuse them without it. */
export const MODEL_DECLARATION_KEYS: readonly (keyof ModelFlags)[] = [
  'inputSize',
  'channels',
  'preprocessing',
  'output',
  'outputs',
  'labels',
  'format',
];

/** What {@link loadTfjsModel} takes: `loadTfjsModel(location, options)`. */
export interface ModelLoadArguments {
  location: string;
  options: LoadTfjsModelOptions;
}

const FORMATS: readonly ModelFormat[] = ['auto', 'layers', 'graph'];

/** The forms `--preprocessing` takes, for help and messages. */
export const PREPROCESSING_FORMS =
  "'range:MIN,MAX', 'mean-std:M1,..,MC:S1,..,SC' or the JSON of a model card";

/** Declares the model flags on `command` (`--model` required unless `modelRequired` is false). */
export function addModelFlags(command: Command, modelRequired = true): Command {
  const model =
    'the model: a model.json (layers or graph), its folder, an http(s) URL, or a model card (JSON naming the model.json)';
  if (modelRequired) command.requiredOption('--model <path>', model);
  else command.option('--model <path>', model);
  return command
    .option(
      '--input-size <h,w>',
      'input height and width, where the model leaves them open (default: from the model)',
    )
    .option(
      '--channels <c>',
      'input channels, where the model leaves them open or takes neither 1 nor 3 (default: from the model)',
    )
    .option(
      '--preprocessing <spec>',
      `mapping of [0, 1] images to the model's input: ${PREPROCESSING_FORMS} (default: none)`,
    )
    .option('--output <name>', 'the output to explain, when the model has several')
    .option(
      '--outputs <kind>',
      `what the output holds: ${DECLARED_OUTPUTS.join(' | ')} (default auto: read from the output)`,
    )
    .option(
      '--labels <file>',
      "class names: one per line, a JSON array, or a JSON object from index to name (default: the model's metadata)",
    )
    .option('--format <format>', `${FORMATS.join(' | ')} (default auto: from model.json)`);
}

/**
 * The command-line arguments that give `flags` to another command (a child
 * process): `--model` and each declaration that was set.
 */
export function modelFlagArgs(flags: ModelFlags): string[] {
  const declared = MODEL_DECLARATION_KEYS.filter((key) => flags[key] !== undefined);
  return [
    '--model',
    flags.model,
    ...declared.flatMap((key) => [flagOf(key), flags[key] as string]),
  ];
}

/** A comma-separated list of numbers obeying `rule`, repeats allowed; each entry is checked on its own. */
function numbers(text: string, flag: string, rule: NumberRule): number[] {
  return text.split(',').map((entry) => parseNumber(entry, flag, rule));
}

/**
 * Parses `--preprocessing`: `range:MIN,MAX`, `mean-std:MEANS:STDS` (comma
 * lists, one number per channel, in [0, 1] units), or a JSON object as in a model card.
 * @throws a {@link UserError} naming the flag, the value and the forms it takes.
 */
export function parsePreprocessing(value: string, flag = '--preprocessing'): InputPreprocessing {
  const text = value.trim();
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new UserError(`${flag} is not valid JSON (${(err as Error).message}), got '${value}'`);
    }
    return preprocessingFromJson(json, flag);
  }
  const [kind, ...parts] = text.split(':');
  if (kind === 'range' && parts.length === 1) {
    const [min, max] = parseNumberTuple(parts[0], `${flag} range`, 2);
    return { kind: 'range', min, max };
  }
  if (kind === 'mean-std' && parts.length === 2) {
    return {
      kind: 'meanStd',
      mean: numbers(parts[0], `${flag} mean`, {}),
      std: numbers(parts[1], `${flag} std`, POSITIVE_NUMBER),
    };
  }
  throw new UserError(`${flag} must be ${PREPROCESSING_FORMS}, got '${value}'`);
}

/**
 * Turns the model flags into {@link loadTfjsModel}'s arguments; flags not
 * given are left out, so a model card's declarations and the model's own
 * signature decide them.
 * @throws a {@link UserError} naming the flag, the value and what is expected.
 */
export function modelOptionsFromFlags(flags: ModelFlags): ModelLoadArguments {
  const options: LoadTfjsModelOptions = {};
  if (flags.inputSize !== undefined) {
    const [h, w] = parseNumberTuple(flags.inputSize, '--input-size', 2, POSITIVE_INTEGER);
    options.inputSize = [h, w];
  }
  if (flags.channels !== undefined)
    options.channels = parseNumber(flags.channels, '--channels', POSITIVE_INTEGER);
  if (flags.preprocessing !== undefined)
    options.preprocessing = parsePreprocessing(flags.preprocessing);
  if (flags.output !== undefined) options.output = flags.output;
  if (flags.outputs !== undefined)
    options.outputs = parseChoice(flags.outputs, DECLARED_OUTPUTS, '--outputs');
  if (flags.labels !== undefined)
    options.labels = parseFile(flags.labels, '--labels', 'a labels file');
  if (flags.format !== undefined) options.format = parseChoice(flags.format, FORMATS, '--format');
  return { location: flags.model, options };
}
