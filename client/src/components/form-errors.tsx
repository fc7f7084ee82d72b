/**
 * Error display shared by every form. The alert region is always in the document (empty when
 * there is nothing to say) so screen readers announce a message the moment it appears.
 */

export function FieldError({ id, message }: { id: string; message?: string }) {
  return (
    <p id={id} className="field-error">
      {message ?? ''}
    </p>
  );
}

export function FormAlert({ messages, id }: { messages: readonly string[]; id?: string }) {
  return (
    <div id={id} role="alert" className={messages.length > 0 ? 'form-alert' : 'form-alert form-alert--empty'}>
      {messages.length === 1 ? <p>{messages[0]}</p> : null}
      {messages.length > 1 ? (
        <ul>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
