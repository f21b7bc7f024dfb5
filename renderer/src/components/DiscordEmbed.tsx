import { Fragment, type ReactNode } from 'react';
import type { ButtonRow, EmbedView } from '@shared/embeds';

/** Discord's markdown subset the embeds use: **bold**, > quotes, line breaks. */
function inline(text: string): ReactNode[] {
  return text
    .split(/(\*\*[^*]+\*\*)/g)
    .map((part, i) =>
      part.startsWith('**') && part.endsWith('**') && part.length > 4 ? (
        <strong key={i}>{part.slice(2, -2)}</strong>
      ) : (
        <Fragment key={i}>{part}</Fragment>
      ),
    );
}

export function Markdown({ text }: { text: string }) {
  const lines = text.split('\n');
  return (
    <>
      {lines.map((line, i) =>
        line.startsWith('> ') ? (
          <blockquote key={i} className="dc-quote">
            {inline(line.slice(2))}
          </blockquote>
        ) : (
          <div key={i} className="dc-line">
            {line === '' ? '\u00a0' : inline(line)}
          </div>
        ),
      )}
    </>
  );
}

const hex = (color: number) => `#${color.toString(16).padStart(6, '0')}`;

interface Props {
  embed: EmbedView;
  rows?: ButtonRow[];
  botName?: string;
}

/** A bot message with one embed, drawn like Discord's dark theme. */
export function DiscordMessage({ embed, rows = [], botName = 'ComfyDesk' }: Props) {
  return (
    <div className="dc-message" data-testid="discord-preview" aria-label="Discord preview">
      <div className="dc-avatar" aria-hidden="true">
        CD
      </div>
      <div className="dc-body">
        <div className="dc-header">
          <span className="dc-name">{botName}</span>
          <span className="dc-bot-tag">APP</span>
          <span className="dc-time">Today</span>
        </div>
        <div className="dc-embed" style={{ borderLeftColor: hex(embed.color) }}>
          {embed.title && <div className="dc-title">{embed.title}</div>}
          {embed.description && (
            <div className="dc-description">
              <Markdown text={embed.description} />
            </div>
          )}
          {embed.fields.length > 0 && (
            <div className="dc-fields">
              {embed.fields.map((f, i) => (
                <div key={i} className={`dc-field${f.inline ? ' inline' : ''}`}>
                  <div className="dc-field-name">{f.name}</div>
                  <div className="dc-field-value">
                    <Markdown text={f.value} />
                  </div>
                </div>
              ))}
            </div>
          )}
          {embed.imageUrl && !embed.imageUrl.startsWith('attachment://') && (
            <img className="dc-image" src={embed.imageUrl} alt="" />
          )}
          {embed.footer && <div className="dc-footer">{embed.footer}</div>}
        </div>
        {rows.map((row, r) => (
          <div key={r} className="dc-buttons">
            {row.map((b) => (
              <span key={b.customId} className={`dc-button ${b.style}`} aria-disabled={b.disabled}>
                {b.label}
              </span>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
