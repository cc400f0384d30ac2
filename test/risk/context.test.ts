/**
 * How context-dependent rules read a conversation (trajectory.ts ConversationContext) and the
 * minor raise (trajectory.yaml `raise`). Sentences written for these tests.
 */
import { describe, expect, it } from 'vitest';
import { screenConversation } from './helpers.js';

describe('context-dependent rules support each other', () => {
  it('two ambiguous statements in one message read together as high', () => {
    // Each alone is ambiguous: a height question (none alone) and "I want it all to end" (moderate).
    expect(screenConversation(['which bridge here is the tallest']).level).toBe('none');
    expect(screenConversation(['i just want it all to end']).level).toBe('moderate');
    const result = screenConversation(['which bridge here is the tallest? i just want it all to end']);
    expect(result.level).toBe('high');
    // The height question gets its context from the other statement, which stays ambiguous itself.
    expect(result.reasons).toEqual(expect.arrayContaining(['en.method.height', 'en.ideation.want-it-over:no-context']));
  });

  it('an ambiguous statement in an earlier turn supports a later one', () => {
    expect(screenConversation(['i just want it all to end', 'which bridge here is the tallest']).level).toBe('high');
  });

  it('a rule never supports itself: the same ambiguous statement twice is raised by repetition, not by its own loan', () => {
    const result = screenConversation(['i just want it all to end', 'i just want it all to end']);
    expect(result.reasons).not.toContain('en.ideation.want-it-over');
    expect(result.reasons).toContain('trajectory:repeat');
  });
});

describe('a user who appears to be a minor', () => {
  it('has their own passive ideation raised one level', () => {
    expect(screenConversation(['i wish i was never born']).level).toBe('moderate');
    const result = screenConversation(['im 15', 'i wish i was never born']);
    expect(result.level).toBe('high');
    expect(result.reasons).toContain('trajectory.minor');
  });

  it('is never raised to imminent by age alone', () => {
    expect(screenConversation(['im 14 and i keep thinking about killing myself']).level).toBe('high');
  });

  it('is not raised for worry about someone else', () => {
    const result = screenConversation(['im 13', 'my friend says she wants to die']);
    expect(result.level).toBe('moderate');
    expect(result.reasons).not.toContain('trajectory.minor');
  });

  it('a number of minutes is not an age', () => {
    expect(screenConversation(['im 15 minutes late', 'i wish i was never born']).level).toBe('moderate');
  });
});
