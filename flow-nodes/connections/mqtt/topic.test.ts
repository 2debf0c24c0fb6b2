import { describe, expect, it } from 'vitest';
import { subscriptionFilter, topicFilterProblem, topicMatches, topicNameProblem } from './topic.ts';

describe('MQTT topic filters', () => {
  it.each(['a/b/c', 'a/+/c', '+', '#', 'a/#', '+/+/#', 'a//b', '/a', 'spBv1.0/+/DDATA/+/+', '$SYS/#'])(
    'accepts %s',
    (filter) => expect(topicFilterProblem(filter)).toBeUndefined(),
  );

  it.each([
    ['a/#/b', '"+" must fill a whole level and "#" must be the whole last level'],
    ['a/b#', '"+" must fill a whole level and "#" must be the whole last level'],
    ['a+/b', '"+" must fill a whole level and "#" must be the whole last level'],
    ['', 'a topic filter must not be empty'],
    ['$share/g/a/b', 'use sharedGroup instead of writing "$share/" into the filter'],
    ['a/\u0000', 'a topic filter must not contain the NUL character'],
  ])('refuses %j, saying why', (filter, problem) => expect(topicFilterProblem(filter)).toBe(problem));

  it.each([
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'a/b', true],
    ['+', 'a/b', false],
    ['a//b', 'a//b', true],
    ['+/b', '/b', true],
    ['#', '$SYS/uptime', false],
    ['$SYS/#', '$SYS/uptime', true],
    ['a/b', 'a/b/c', false],
  ])('matches %s against %s: %s', (filter, topic, expected) => expect(topicMatches(filter, topic)).toBe(expected));

  it('prefixes a shared subscription', () => {
    expect(subscriptionFilter('a/#', 'workers')).toBe('$share/workers/a/#');
    expect(subscriptionFilter('a/#')).toBe('a/#');
  });

  it('refuses wildcards in a topic to publish to', () => {
    expect(topicNameProblem('plant/a/events')).toBeUndefined();
    expect(topicNameProblem('plant/+/events')).toContain('wildcards');
    expect(topicNameProblem('')).toContain('empty');
  });
});
