'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { api } from '@/lib/api-client';
import { type ErrorState, NO_ERRORS, toErrorState } from '@/lib/api-errors';
import type { CatalogEvent } from '@/lib/types';
import { FormAlert } from './form-errors';
import { TextField } from './text-field';

const FIELDS = ['name', 'venue', 'city', 'startsAt', 'category'] as const;
type Field = (typeof FIELDS)[number];
const MAX = { name: 200, venue: 100, city: 100, category: 100 } as const;

/**
 * What the organizer typed, checked as the catalog checks it. `startsAt` is the browser's
 * `datetime-local` value, in the organizer's own time zone.
 */
export function validateEventForm(values: Record<Field, string>, now = Date.now()): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  for (const [field, label] of [
    ['name', 'Name'],
    ['venue', 'Venue'],
    ['city', 'City'],
  ] as const) {
    const value = values[field].trim();
    if (value === '') errors[field] = `${label} is required`;
    else if ([...value].length > MAX[field]) errors[field] = `${label} must be at most ${MAX[field]} characters`;
  }
  if ([...values.category.trim()].length > MAX.category) errors.category = 'Category must be at most 100 characters';
  const startsAt = Date.parse(values.startsAt);
  if (values.startsAt === '' || Number.isNaN(startsAt)) errors.startsAt = 'Starts at is required';
  else if (startsAt <= now) errors.startsAt = 'Starts at must be in the future';
  return errors;
}

/** Add an event to the catalog; its creator becomes its organizer (the one who checks tickets in). */
export function EventForm() {
  const router = useRouter();
  const [values, setValues] = useState<Record<Field, string>>({
    name: '',
    venue: '',
    city: '',
    startsAt: '',
    category: '',
  });
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);
  const set = (field: Field) => (change: { target: { value: string } }) =>
    setValues({ ...values, [field]: change.target.value });

  async function onSubmit(submit: FormEvent<HTMLFormElement>) {
    submit.preventDefault();
    const fields = validateEventForm(values);
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, form: [] });
      const first = FIELDS.find((name) => fields[name]);
      submit.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      const response = await api.post<CatalogEvent>('/api/events', {
        name: values.name.trim(),
        venue: values.venue.trim(),
        city: values.city.trim(),
        // datetime-local is the organizer's wall-clock time: the browser knows their offset.
        startsAt: new Date(values.startsAt).toISOString(),
        ...(values.category.trim() ? { category: values.category.trim() } : {}),
      });
      router.push(`/events/${response.data.id}`);
      router.refresh();
    } catch (error) {
      setErrors(toErrorState(error, FIELDS));
      setPending(false);
    }
  }

  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-busy={pending}>
      <fieldset disabled={pending}>
        <TextField
          id="name"
          name="name"
          label="Name"
          hint="e.g. “Jazz night”"
          autoComplete="off"
          maxLength={MAX.name}
          value={values.name}
          onChange={set('name')}
          error={errors.fields.name}
          required
        />
        <TextField
          id="venue"
          name="venue"
          label="Venue"
          autoComplete="off"
          maxLength={MAX.venue}
          value={values.venue}
          onChange={set('venue')}
          error={errors.fields.venue}
          required
        />
        <TextField
          id="city"
          name="city"
          label="City"
          autoComplete="address-level2"
          maxLength={MAX.city}
          value={values.city}
          onChange={set('city')}
          error={errors.fields.city}
          required
        />
        <TextField
          id="startsAt"
          name="startsAt"
          type="datetime-local"
          label="Starts at"
          hint="In your time zone"
          value={values.startsAt}
          onChange={set('startsAt')}
          error={errors.fields.startsAt}
          required
        />
        <TextField
          id="category"
          name="category"
          label="Category (optional)"
          hint="e.g. concert, football, theatre"
          autoComplete="off"
          maxLength={MAX.category}
          value={values.category}
          onChange={set('category')}
          error={errors.fields.category}
        />
        <FormAlert messages={errors.form} />
        <div className="form__actions">
          <button type="submit" className="button">
            {pending ? 'Saving…' : 'Add event'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
