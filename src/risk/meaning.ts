/**
 * Rules by meaning (issue 11 item 1) as the screen uses them: the compiled concept lexicons and
 * grammar, read once per message. Returns the grammar's findings and which clauses are framed
 * (past, fiction, news, support, a harmless purpose), so the screen can also set aside a
 * phrase rule's match that only speaks inside such a frame.
 */
import type { ConceptFile, GrammarFile } from './concept-schema.js';
import { clauseAt, compileConcepts, scanConcepts, withoutFillers, type ConceptIndex } from './concepts.js';
import { evaluateGrammar, type GrammarResult } from './grammar.js';
import type { LanguageIdTable } from './language-id.js';

export interface MeaningPolicy {
  index: ConceptIndex;
  grammar: GrammarFile;
  files: ConceptFile[];
  /** Which language a Latin-script message is in (language-id.yaml); set by the loader when present. */
  languageId?: LanguageIdTable;
}

export interface MeaningReading {
  grammar: GrammarResult;
  /** The text the concepts were read in: the normalized text without filler words. */
  text: string;
  /** The text without fillers, when it differs from the normalized text (also worth matching rules on). */
  defillered: string | undefined;
}

export function compileMeaning(files: ConceptFile[], grammar: GrammarFile): MeaningPolicy {
  return { index: compileConcepts(files), grammar, files };
}

export function readMeaning(policy: MeaningPolicy, normalized: string): MeaningReading {
  const defillered = withoutFillers(policy.index, normalized);
  const text = defillered ?? normalized;
  const scan = scanConcepts(policy.index, text);
  return { grammar: evaluateGrammar(policy.grammar, policy.index, scan, text), text, defillered };
}

/**
 * Whether a phrase rule's match at `offset` of `form` lies in a framed clause with no present
 * first person of its own. Offsets are only comparable in the text the concepts were read in.
 */
export function framedAt(reading: MeaningReading, language: string, form: string, offset: number): boolean {
  if (form !== reading.text) return false;
  const framed = reading.grammar.framedClauses.get(language);
  return framed !== undefined && framed.has(clauseAt(form, offset));
}

/** Whether a phrase-rule match at `offset` lies in a clause told in the past with nothing present in it (grammar.ts markPast). */
export function pastAt(reading: MeaningReading, form: string, offset: number): boolean {
  return form === reading.text && reading.grammar.pastClauses.has(clauseAt(form, offset));
}

/** Whether a phrase-rule match at `offset` lies in a sentence told as a story or report about someone else (grammar.ts markStories). */
export function storyAt(reading: MeaningReading, form: string, offset: number): boolean {
  if (form !== reading.text) return false;
  // Any language's story counts: a phrase shared by neighbouring languages ("carta de
  // despedida") may match in one pack while the story's frame word is the other's.
  const clause = clauseAt(form, offset);
  for (const story of reading.grammar.storyClauses.values()) if (story.has(clause)) return true;
  return false;
}
