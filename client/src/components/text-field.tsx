import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import { FieldError } from './form-errors';

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'> & {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  ref?: Ref<HTMLInputElement>;
  /** A control beside the input that acts on it (e.g. showing a password). */
  action?: ReactNode;
};

/** A labelled input with its hint and its error underneath, wired up for assistive technology. */
export function TextField({ id, name, label, hint, error, className, ref, action, ...input }: TextFieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const inputElement = (
    <input
      ref={ref}
      id={id}
      name={name}
      className={className ? `input ${className}` : 'input'}
      aria-invalid={error ? true : undefined}
      aria-describedby={[hintId, errorId].filter(Boolean).join(' ')}
      {...input}
    />
  );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {action ? (
        <div className="field__row">
          {inputElement}
          {action}
        </div>
      ) : (
        inputElement
      )}
      <FieldError id={errorId} message={error} />
    </div>
  );
}
