import { Anchor, Code, Text, Title, Typography, type TitleOrder } from '@mantine/core';
import type { ReactNode } from 'react';
import Markdown, { defaultUrlTransform, type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { safeUrl } from './safe-url.ts';

/**
 * Notes are written by people during an incident, often pasted from terminals and chat:
 * Markdown is worth rendering, HTML never is. react-markdown builds React elements (no
 * innerHTML); raw HTML in the source is dropped (`skipHtml`), rehype-sanitize applies
 * GitHub's allow-list to what remains, and links are limited to http(s) and mailto.
 */
/**
 * A note's headings rank below the section that shows it (the timeline is an h2): "# Root
 * cause" would otherwise be an h1 in the middle of the page, larger than the incident's
 * title and first in a screen reader's list of headings. Sizes stay those of body headings.
 */
function noteHeading(order: TitleOrder) {
  return function NoteHeading({ children }: { children?: ReactNode }) {
    return <Title order={order} size={order === 3 ? 'h5' : 'h6'} mt="xs" mb={4}>{children}</Title>;
  };
}

const components: Components = {
  h1: noteHeading(3),
  h2: noteHeading(4),
  h3: noteHeading(5),
  h4: noteHeading(6),
  h5: noteHeading(6),
  h6: noteHeading(6),
  a: ({ href, children }) => (
    <Anchor href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </Anchor>
  ),
  code: ({ children, className }) => <Code block={Boolean(className)}>{children}</Code>,
  // Pictures in a note would load from anywhere (tracking, huge files): show the link instead.
  img: ({ src, alt }) => (typeof src === 'string' && src ? <Anchor href={src} target="_blank" rel="noopener noreferrer nofollow">{alt || src}</Anchor> : <Text span>{alt}</Text>),
};

function urlTransform(url: string): string {
  return safeUrl(defaultUrlTransform(url));
}

export function SafeMarkdown({ source }: { source: string }) {
  return (
    <Typography fz="sm" data-testid="markdown" style={{ overflowWrap: 'anywhere' }}>
      <Markdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeSanitize]} skipHtml urlTransform={urlTransform} components={components}>
        {source}
      </Markdown>
    </Typography>
  );
}
