import { AppError } from '../../../shared/errors.ts';

/** One dispatched Server-Sent Event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface ServerSentEvent {
  id: string | null;
  event: string;
  data: string;
}

/** Characters one event (its data and the line being read) may take; a server is not trusted with main's memory. */
export const MAX_SSE_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * Incremental `text/event-stream` parser: feed it chunks as they arrive (split anywhere,
 * even inside a line or a CRLF) and it returns the events completed so far. Linear in
 * what it is fed (a long line in many chunks is not rescanned), and it throws
 * `E_PAYLOAD_TOO_LARGE` when one event grows past `maxEventChars` rather than buffer an
 * endless line or event.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private dataChars = 0;
  private event = '';
  private id: string | null = null;
  private sawCarriageReturn = false;
  private readonly maxEventChars: number;

  constructor(maxEventChars: number = MAX_SSE_EVENT_CHARS) {
    this.maxEventChars = maxEventChars;
  }

  feed(chunk: string): ServerSentEvent[] {
    let text = chunk;
    // A CRLF split across chunks: the LF belongs to the line the CR already ended.
    if (this.sawCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.sawCarriageReturn = text.endsWith('\r');
    const end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    const events: ServerSentEvent[] = [];
    if (end >= 0) {
      // Only the lines this chunk completes are split; what follows the last end waits.
      const lines = (this.buffer + text.slice(0, end + 1)).split(/\r\n|\r|\n/);
      lines.pop();
      this.buffer = text.slice(end + 1);
      for (const line of lines) {
        const event = this.line(line);
        if (event) events.push(event);
      }
    } else {
      this.buffer += text;
    }
    if (this.buffer.length + this.dataChars > this.maxEventChars) {
      throw new AppError('E_PAYLOAD_TOO_LARGE', `A live stream event is larger than ${this.maxEventChars} characters.`);
    }
    return events;
  }

  private line(line: string): ServerSentEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxEventChars) throw new AppError('E_PAYLOAD_TOO_LARGE', `A live stream event is larger than ${this.maxEventChars} characters.`);
    }
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return null;
  }

  private dispatch(): ServerSentEvent | null {
    const event = this.data.length > 0 ? { id: this.id, event: this.event || 'message', data: this.data.join('\n') } : null;
    this.data = [];
    this.dataChars = 0;
    this.event = '';
    return event;
  }
}
