/** What a preview shows as a resource's outputs, before anything is made or changed. */
import { outputsOnly, type ResourceDefinition } from './resource';
import { UNKNOWN, type Props } from './values';

/**
 * An Update's preview: each input's new value (unset server-computed ones keep the old value), computed outputs the
 * update cannot change (IDs, ARNs, dates) as they are, and every other computed output unknown, as it may follow the
 * change (keyState after `enabled: false`).
 */
export function previewUpdate(def: ResourceDefinition, olds: Props, news: Props): Props {
  const outputs: Props = {};
  for (const [k, spec] of Object.entries(def.properties)) {
    if (spec.writeOnly) continue;
    if (spec.input) outputs[k] = news[k] !== undefined ? news[k] : spec.diff === 'whenSet' || spec.diff === 'never' ? olds[k] : undefined;
    else outputs[k] = spec.stable ? olds[k] : UNKNOWN;
    if (outputs[k] === undefined) delete outputs[k];
  }
  return outputs;
}

/** Preview state: the inputs as given (unknowns and secrets intact) and every computed output unknown. */
export function previewOutputs(def: ResourceDefinition, inputs: Props): Props {
  const outputs: Props = outputsOnly(def, inputs);
  for (const [k, spec] of Object.entries(def.properties)) {
    if (spec.input && outputs[k] === undefined && spec.default !== undefined) outputs[k] = spec.default;
    if (!spec.input || (outputs[k] === undefined && spec.diff === 'whenSet')) outputs[k] = UNKNOWN;
  }
  return outputs;
}
