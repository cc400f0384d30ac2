/**
 * Schema of the concept lexicons (policies/detection/concepts.<lang>.yaml) and of the grammar
 * that combines them (policies/detection/grammar.yaml). Rules by meaning rather than by
 * sentence (issue 11 item 1): each language lists words for a few concepts (self-reference,
 * means, acts and possession, time, farewells, ideation, negation, frames ...) and one
 * language-independent grammar says which concepts together, close to each other, mean risk.
 */
import { z } from 'zod';
import { RISK_LEVELS } from '../messages.js';
import { Signal } from './policy-schema.js';

export const CONCEPTS = [
  'self', // explicit first person: I, me, myself, ik, ja, ben, 我 (possessives excluded: "my brother")
  'other', // a third person as subject: he, she, my friend, my brother
  'means', // pills, a rope, a blade, a gun, charcoal, the car engine, a bottle
  'height', // a roof, a bridge, a ledge, a balcony, a cliff, railway tracks
  'act', // possession and acts on means: have, bought, counted, lined up, loaded, tied, holding
  'ingest', // swallowed, took, drank (an attempt when paired with means)
  'took', // a bare past "took", "swallowed", "tomé", "genommen" with no object named (read with `some`)
  'some', // a few, some, several, half: an amount taken ("ya tomé algunas" after a pills message)
  'position', // standing on, sitting on, looking down (with distress at a height: imminent)
  'brink', // legs over the side, on the ledge, over the railing: a position that is itself the danger
  'time', // tonight, now, today, tomorrow, after friday, in ten minutes
  'finality', // all of them, the whole, enough, ready, it is time, last
  'farewell', // a goodbye letter, my note, forgive me, tell them I'm sorry
  'preparation', // gave away, won't need, a will, deleted accounts
  'ideation_passive', // not wake up, better off without me, don't want to live
  'ideation_active', // kill myself, end things, end my life
  'selfharm', // cut, burn, scratch, hurt myself
  'urge', // the urge, craving, want to (for self-harm)
  'again', // again, back, relapse
  'recent_past', // yesterday, last night, earlier today
  'question', // how many, how much, how high, how long, does it hurt
  'lethal', // fatal, lethal, not wake up, survive, certain, die
  'distress', // hopeless, can't cope, so tired of everything (a weak signal)
  'burden', // a burden, everyone better off (a weak signal, passive ideation with self)
  'negation', // not, never, no
  'filler', // just, really, honestly: removed before matching so an inserted word changes nothing
  'frame_past', // when I was fifteen, years ago, back then
  'frame_fiction', // a film, a novel, my story, the character, a game
  'frame_news', // the news, an article, statistics, a study
  'frame_support', // if you ever, you can talk to me, prevention, awareness
  'frame_benign', // for cooking, for camping, photos, a recipe (a harmless purpose)
  'return', // see you monday, back tomorrow, hasta mañana: a goodbye with a planned return is not a farewell
  'marker', // cross-language markers of suicide and self-harm, for languages without a pack
  'intake', // a plain verb of taking medicine, any tense: take, swallow, nehmen, innemen, tomar (read only with `whole` and means)
  'whole', // a totality of things: all my, every, the whole, alle, die ganzen, todas: "all his sleeping tablets"
  'routine', // taking medicine as told or as usual: have to, as prescribed, the doctor said, every morning (sets aside the all-of-it intake rule)
  'ending', // closure said plainly: this is it, das war's, to już koniec, c'est fini (a farewell with a letter to someone close)
  'letter', // a written letter or note as a thing: letter, note, Brief, list, carta (a farewell only with an addressee and finality)
  'substance', // what is swallowed or injected: medicines by name, pills, poisons (a car or a rope never is): read with `consume` and an amount
  'poison', // a household poison: antifreeze, bleach, weedkiller (drunk at all, it is an attempt)
  'vehicle', // a car, its engine, the exhaust: danger only in a closed space (`enclosed`), never alone ("bought a new car today")
  'enclosed', // a closed space or a rigged hose: the garage door shut, windows up, sealed, in the back seat
  'plunge', // throwing oneself, any word order: stürzt sich, wirft sich, se jette, se tira, rzuca się (risk only with a height or water)
  'water', // open water: a river, a lake, the sea, a reservoir (a place for conversations with a time, like a height)
  'consume', // a plain past verb of swallowing: drank, ate, necked, took, popped (an act only with a substance and an amount, or a poison)
] as const;
export const Concept = z.enum(CONCEPTS);
export type Concept = z.infer<typeof Concept>;

export const FRAME_CONCEPTS = ['frame_past', 'frame_fiction', 'frame_news', 'frame_support', 'frame_benign'] as const satisfies readonly Concept[];

const entry = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((s) => !/[A-Z]/.test(s), 'write lexicon entries in lower case (messages are lower-cased)')
  .refine((s) => !/\*./.test(s.replace(/\*(\s|$)/g, '')), 'a * may only end a word (a stem: "pill*")');

const Example = z.object({ text: z.string().min(1), rule: z.string().regex(/^grammar\.[a-z0-9-]+$/, 'must look like grammar.means-possession') }).strict();

export const ConceptFile = z
  .object({
    language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code such as nl (xx: cross-language markers)'),
    name: z.string().min(1),
    /**
     * kana: read only messages with Japanese kana (Japanese kanji are Chinese characters too);
     * no_kana: never read messages with kana (Chinese).
     */
    route: z.enum(['kana', 'no_kana']).optional(),
    /** Concept → words and phrases; a trailing * makes a stem ("pill*" also reads "pills"). */
    concepts: z.partialRecord(Concept, z.array(entry).min(1)),
    /**
     * Ordinary words of this language one letter away from a risk word ("table" from "tablet*"):
     * never read as that word's typo, so "my cat keeps knocking things off the table" names no
     * means. A word listed here is still read when it is itself an entry.
     */
    not_typos: z.array(z.string().min(1)).optional(),
    examples: z
      .object({
        /** Messages that must fire the named grammar rule in this language. */
        match: z.array(Example).default([]),
        /** Messages that must fire no grammar rule at moderate or above in this language. */
        no_match: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ match: [], no_match: [] }),
    note: z.string().optional(),
  })
  .strict();
export type ConceptFile = z.infer<typeof ConceptFile>;

export const GrammarRule = z
  .object({
    id: z.string().regex(/^grammar\.[a-z0-9-]+$/, 'must look like grammar.means-possession'),
    /** Every one of these concepts within the window. */
    all: z.array(Concept).min(1),
    /** And at least one of these, when given. */
    any: z.array(Concept).min(1).optional(),
    /** None of these within the window ("want to hurt myself tonight" is an urge, not a plan). */
    unless: z.array(Concept).min(1).optional(),
    level: z.enum(RISK_LEVELS),
    signals: z.array(Signal).default([]),
    /**
     * required: the writer must be the subject (an explicit first person, or no other person
     * before the risk words in that clause: chat drops pronouns, "bought a rope today").
     */
    self: z.enum(['required', 'any']).default('required'),
    /**
     * The level when someone else is the subject ("she has the pills and takes them tonight",
     * "my brother is on the roof and says goodbye"): danger to another person, reported with
     * help-a-friend resources (signal third_party). Default moderate, worry about a third party
     * (CRISIS.md §2). Rules with `self: any` are read for another subject only when this is set.
     */
    other_level: z.enum(RISK_LEVELS).optional(),
    /** Method questions stay risk inside "for a story" / "for a friend" frames (issue 11 class 2). */
    frame_proof: z.boolean().default(false),
    /** A negation just before the rule's first concept cancels it ("I won't take the pills"). */
    negatable: z.boolean().default(true),
    /**
     * This concept must stand without an object of its own (spaced scripts): the word after it
     * ends the clause or carries a concept other than a frame. "I already took some" and "took a
     * few of them already" keep the rule; "took some notes" and "ein paar Kekse genommen" do not.
     */
    bare: Concept.optional(),
    note: z.string().optional(),
  })
  .strict();
export type GrammarRule = z.infer<typeof GrammarRule>;

export const GrammarFile = z
  .object({
    /** How close the concepts must be: words (space-separated scripts) ... */
    window_words: z.number().int().min(2).max(60),
    /** ... or characters (Chinese, Japanese, Korean, Arabic, Thai). */
    window_chars: z.number().int().min(2).max(120),
    /** How many words before a concept a negation still cancels it. */
    negation_reach: z.number().int().min(0).max(6),
    rules: z.array(GrammarRule).min(1),
  })
  .strict();
export type GrammarFile = z.infer<typeof GrammarFile>;
