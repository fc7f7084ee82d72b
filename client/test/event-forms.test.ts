import { validateEventForm } from '@/components/event-form';
import { validateEventListing } from '@/lib/ticket-input';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const event = { name: 'Jazz night', venue: 'Blue Hall', city: 'Lyon', startsAt: '2030-03-14T19:30', category: '' };
const listing = { faceValue: '', section: '', row: '', seat: '' };

describe('validateEventForm', () => {
  it('accepts an event in the future with no category', () => {
    expect(validateEventForm(event, NOW)).toEqual({});
  });

  it('says which field is missing, too long or in the past', () => {
    expect(
      validateEventForm(
        { name: ' ', venue: 'v'.repeat(101), city: 'Lyon', startsAt: '2029-12-31T10:00', category: 'c'.repeat(101) },
        NOW,
      ),
    ).toEqual({
      name: 'Name is required',
      venue: 'Venue must be at most 100 characters',
      startsAt: 'Starts at must be in the future',
      category: 'Category must be at most 100 characters',
    });
    expect(validateEventForm({ ...event, startsAt: '' }, NOW)).toEqual({ startsAt: 'Starts at is required' });
  });
});

describe('validateEventListing', () => {
  it('takes neither a face value nor a seat: both are optional', () => {
    expect(validateEventListing(listing)).toEqual({});
  });

  it('checks a face value like a price', () => {
    expect(validateEventListing({ ...listing, faceValue: '45.50' })).toEqual({});
    expect(validateEventListing({ ...listing, faceValue: '-1' })).toEqual({
      faceValue: 'Face value must be greater than 0',
    });
    expect(validateEventListing({ ...listing, faceValue: '1e9' })).toEqual({
      faceValue: 'Face value must be at most 1,000,000',
    });
  });

  it('wants a whole seat or none, each part at most 20 characters', () => {
    expect(validateEventListing({ ...listing, section: 'A', row: '3', seat: '12' })).toEqual({});
    expect(validateEventListing({ ...listing, section: 'A' })).toEqual({
      row: 'Row is required with the rest of the seat',
      seat: 'Seat is required with the rest of the seat',
    });
    expect(validateEventListing({ ...listing, section: 'A', row: 'r'.repeat(21), seat: '1' })).toEqual({
      row: 'Row must be at most 20 characters',
    });
  });
});
