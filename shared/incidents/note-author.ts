import type { TimelineEntry } from '../api/incidents.ts';

/** A note's `data` field naming its author: the id of the user who wrote it, or of the API key's owner. */
export const NOTE_AUTHOR = 'authorUserId';

/** Who asks to change a note: the person (user id; an API key's owner) and the name and kind it acts under. */
export interface NoteEditor {
  userId?: number | undefined;
  name: string;
  kind: 'user' | 'apiKey' | 'system';
}

/**
 * Whether `editor` wrote the note: the same person (a user and their own API keys are one).
 * Never by name alone: an API key is named by its creator, so a key called "admin" or named
 * like someone else's key made its holder the author of their notes. Notes written before
 * the author was kept are matched as before, by name, but only user to user. The server
 * enforces it; the console uses it to offer Edit and Delete.
 */
export function isNoteAuthor(entry: Pick<TimelineEntry, 'data' | 'actor' | 'actorKind'>, editor: NoteEditor): boolean {
  const author = entry.data[NOTE_AUTHOR];
  if (typeof author === 'number') return editor.userId === author;
  return entry.actorKind === 'user' && editor.kind === 'user' && entry.actor === editor.name;
}
