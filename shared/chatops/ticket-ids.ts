/**
 * An incident's id written as a ticket's mention, "#INC-7", "#inc7", "#incident-7": the "#" of a channel or a tag before a
 * ticket's id adds nothing, so the line is read as "INC-7" is (each rule reads "inc-7", "INC7", "incident#7"); "resolve
 * #INC-7", "note on #INC-7: …", "i'll take #INC-7" were not understood. "#7" is left as it is: a bare id's own mark.
 */
// (Only where an id is read, first or after a verb or a preposition of one: "ack 12 #incident-7" keeps its comment as typed.)
const HASHED_TICKET = /(^|\b(?:resolve|close|reopen|mitigate|mark|ack|acknowledge|show|take|taking|grab|assign|reassign|give|hand|transfer|on|to|for|of|about|note|update|status)\s+)#((?:inc|incident)[-_]?\d{1,9})\b/gi;

export function ticketIdsRead(text: string): string {
  return text.includes('#') ? text.replace(HASHED_TICKET, '$1$2') : text;
}
