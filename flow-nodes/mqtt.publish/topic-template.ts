import { DataError } from '@millrace/node-sdk';
import { describeValue, partText } from '../shared/expressions.ts';

/** `{{ expr }}` in a topic; the expression may not contain "}}". */
const TEMPLATE = /\{\{([\s\S]+?)\}\}/g;

export type TopicPart = { readonly literal: string } | { readonly expression: string; readonly index: number };

/** Splits a topic template into literals and expressions, appending the expressions to `expressions`. */
export function planTopic(topic: string, expressions: string[]): TopicPart[] {
  const parts: TopicPart[] = [];
  let last = 0;
  for (const match of topic.matchAll(TEMPLATE)) {
    if (match.index > last) parts.push({ literal: topic.slice(last, match.index) });
    const expression = match[1]!.trim();
    parts.push({ expression, index: expressions.push(expression) - 1 });
    last = match.index + match[0].length;
  }
  if (last < topic.length) parts.push({ literal: topic.slice(last) });
  return parts;
}

/**
 * The topic with every part filled in. A part must be a non-empty string, a number or a boolean
 * without the wildcards "+" and "#" (a wildcard in a published topic is refused by the broker,
 * and would go unnoticed until then). A "/" is allowed: a part may be a whole path of levels.
 */
export function fillTopic(parts: readonly TopicPart[], values: readonly unknown[]): string {
  let out = '';
  for (const part of parts) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const value = values[part.index];
    const text = partText(value);
    if (text === undefined || text === '' || text.includes('+') || text.includes('#') || text.includes('\u0000')) {
      throw new DataError(
        'MQTT_TOPIC_INVALID',
        `The topic part {{${part.expression}}} is ${describeValue(value)}; it needs a non-empty string or number without "+" or "#".`,
        { details: { expression: part.expression } },
      );
    }
    out += text;
  }
  return out;
}
