'use client';

import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api-client';
import { apiErrorItems } from '@/lib/api-errors';
import { formatDateTime } from '@/lib/format';
import {
  checkInOffline,
  loadOfflineState,
  type OfflineState,
  type PassKey,
  saveOfflineState,
} from '@/lib/offline-check-in';
import type { RevocationList } from '@/lib/types';

type Tone = 'admit' | 'refuse' | 'info';

interface Outcome {
  id: number;
  tone: Tone;
  text: string;
}

/** What the door is told for each answer of `POST /api/passes/scan` (README → Error codes). */
const REFUSALS: Record<string, string> = {
  PASS_REVOKED: 'Refuse: this code was revoked — the ticket was resold or refunded.',
  PASS_LISTED: 'Refuse: this ticket is listed for resale right now.',
  PASS_INVALID: 'Refuse: not a valid ticket code (forged, altered or mistyped).',
  NOT_EVENT_ORGANIZER: 'Refuse: this ticket is for an event you do not organize.',
  PASS_NOT_FOR_EVENT: 'Refuse: this ticket is not for an event.',
};

const OFFLINE_REFUSALS = {
  revoked: REFUSALS.PASS_REVOKED!,
  listed: 'Refuse: Listed for resale — this ticket cannot be used at the door while it is on sale.',
  'other-event': 'Refuse: this ticket is for another event.',
} as const;

interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}

declare global {
  interface Window {
    BarcodeDetector?: new (options: { formats: string[] }) => BarcodeDetectorLike;
  }
}

/**
 * The door of one event: scan (camera, where the browser can read QR codes) or paste a code; the
 * server admits each pass once. Offline, the page checks signatures against the JWK set and the
 * revocation list it downloaded, keeps what it admitted, and sends it when the network is back:
 * the server settles it, the first admission wins, and any other is reported here.
 */
export function CheckIn({ eventId }: { eventId: string }) {
  const [code, setCode] = useState('');
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [offline, setOffline] = useState<OfflineState | null>(null);
  const [useOffline, setUseOffline] = useState(false);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [cameraAvailable, setCameraAvailable] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const nextId = useRef(0);
  const lastScan = useRef<{ code: string; at: number } | null>(null);

  const say = useCallback((tone: Tone, text: string) => {
    nextId.current += 1;
    const id = nextId.current;
    setOutcomes((list) => [{ id, tone, text }, ...list].slice(0, 20));
  }, []);

  useEffect(() => {
    setOffline(loadOfflineState(window.localStorage, eventId));
    setCameraAvailable(typeof window.BarcodeDetector === 'function' && Boolean(navigator.mediaDevices));
  }, [eventId]);

  const store = useCallback((state: OfflineState) => {
    saveOfflineState(window.localStorage, state);
    setOffline(state);
  }, []);

  async function prepareOffline() {
    setBusy(true);
    try {
      const [keys, revocations] = await Promise.all([
        api.get<{ keys: PassKey[] }>('/api/passes/keys'),
        api.get<RevocationList>(`/api/passes/revocations?eventId=${eventId}`),
      ]);
      // A passes service older than resale answers no `listed`.
      const listed: string[] = revocations.data.listed ?? [];
      store({
        eventId,
        keys: keys.data.keys,
        revoked: revocations.data.revoked,
        listed,
        downloadedAt: new Date().toISOString(),
        admissions: offline?.admissions ?? [],
      });
      setUseOffline(true);
      say(
        'info',
        `Ready offline: ${keys.data.keys.length} signing key(s), ${revocations.data.revoked.length + listed.length} refused pass(es)${
          listed.length > 0 ? ` (${listed.length} listed for resale)` : ''
        }.`,
      );
    } catch (error) {
      say(
        'refuse',
        apiErrorItems(error)[0]?.message ?? 'Could not download what offline check-in needs: try again online.',
      );
    } finally {
      setBusy(false);
    }
  }

  async function checkOnline(scanned: string) {
    try {
      await api.post('/api/passes/scan', { code: scanned });
      say('admit', 'Admit: valid ticket, checked in now.');
    } catch (error) {
      const item = apiErrorItems(error)[0] as { code?: string; message?: string; admittedAt?: string } | undefined;
      if (!item) {
        say('info', 'The server could not be reached: prepare offline check-in and scan on.');
      } else if (item.code === 'PASS_ALREADY_ADMITTED') {
        say('refuse', `Refuse: already checked in${item.admittedAt ? ` at ${formatDateTime(item.admittedAt)}` : ''}.`);
      } else {
        say('refuse', REFUSALS[item.code ?? ''] ?? item.message ?? 'Refuse.');
      }
    }
  }

  async function checkOffline(scanned: string, state: OfflineState) {
    const { verdict, state: next } = await checkInOffline(scanned, state);
    if (next !== state) store(next);
    if (verdict.result === 'admitted') say('admit', 'Admit (offline): valid ticket, checked in on this device.');
    else if (verdict.result === 'already-admitted')
      say('refuse', `Refuse: already checked in on this device at ${formatDateTime(verdict.at)}.`);
    else if (verdict.result === 'invalid') say('refuse', `Refuse: ${verdict.reason}.`);
    else say('refuse', OFFLINE_REFUSALS[verdict.result]);
  }

  async function check(scanned: string) {
    const trimmed = scanned.trim();
    if (!trimmed) return;
    setBusy(true);
    try {
      if (useOffline && offline) await checkOffline(trimmed, offline);
      else await checkOnline(trimmed);
    } finally {
      setBusy(false);
    }
  }
  // The camera's loop outlives renders: it calls the latest check (online or offline as now chosen).
  const latestCheck = useRef(check);
  latestCheck.current = check;

  async function sync() {
    if (!offline) return;
    setBusy(true);
    let state = offline;
    let sent = 0;
    try {
      for (const admission of offline.admissions.filter((entry) => !entry.synced)) {
        try {
          await api.post('/api/passes/scan', { code: admission.code });
          sent += 1;
        } catch (error) {
          const item = apiErrorItems(error)[0] as { code?: string; admittedAt?: string } | undefined;
          if (!item) {
            say('info', 'Still offline: the admissions stay on this device until the server can be reached.');
            break;
          }
          // The server's record wins: another door admitted this pass first, or it was refused.
          if (item.code === 'PASS_ALREADY_ADMITTED') {
            say(
              'refuse',
              `Conflict: a pass admitted here at ${formatDateTime(admission.at)} had already been checked in${
                item.admittedAt ? ` at ${formatDateTime(item.admittedAt)}` : ''
              } — the first admission stands.`,
            );
          } else {
            say(
              'refuse',
              `Conflict: a pass admitted here at ${formatDateTime(admission.at)} — ${REFUSALS[item.code ?? ''] ?? 'refused by the server'}`,
            );
          }
        }
        state = {
          ...state,
          admissions: state.admissions.map((entry) =>
            entry.pid === admission.pid ? { ...entry, synced: true } : entry,
          ),
        };
        store(state);
      }
      if (sent > 0) say('info', `Synced: ${sent} admission(s) recorded on the server.`);
    } finally {
      setBusy(false);
    }
  }

  // Camera scanning, where the browser reads QR codes itself (BarcodeDetector).
  useEffect(() => {
    if (!scanning || !window.BarcodeDetector) return;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let stopped = false;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (media) => {
        stream = media;
        if (stopped || !video.current) return;
        video.current.srcObject = media;
        await video.current.play();
        timer = setInterval(async () => {
          if (!video.current) return;
          const [found] = await detector.detect(video.current).catch(() => []);
          if (!found) return;
          // The same code in front of the camera is read many times a second: once is enough.
          const now = Date.now();
          if (lastScan.current?.code === found.rawValue && now - lastScan.current.at < 3_000) return;
          lastScan.current = { code: found.rawValue, at: now };
          await latestCheck.current(found.rawValue);
        }, 250);
      })
      .catch(() => {
        say('info', 'The camera could not be opened: paste or type the code instead.');
        setScanning(false);
      });
    return () => {
      stopped = true;
      clearInterval(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [scanning, say]);

  function onSubmit(submit: FormEvent<HTMLFormElement>) {
    submit.preventDefault();
    void check(code).then(() => setCode(''));
  }

  const unsynced = offline?.admissions.filter((entry) => !entry.synced).length ?? 0;

  return (
    <div className="check-in">
      <section className="card check-in__mode" aria-labelledby="check-in-mode">
        <h2 id="check-in-mode">{useOffline ? 'Offline check-in' : 'Online check-in'}</h2>
        {offline ? (
          <p className="muted">
            Offline data downloaded {formatDateTime(offline.downloadedAt)} · {offline.admissions.length} admitted on
            this device · {unsynced} not yet synced
          </p>
        ) : (
          <p className="muted">
            Download the keys and the list of refused passes to keep checking in without a network.
          </p>
        )}
        <div className="check-in__actions">
          <button type="button" className="button button--secondary" onClick={prepareOffline} disabled={busy}>
            {offline ? 'Refresh offline data' : 'Prepare offline check-in'}
          </button>
          {offline ? (
            <label className="check-in__toggle">
              <input type="checkbox" checked={useOffline} onChange={(change) => setUseOffline(change.target.checked)} />{' '}
              Check in offline
            </label>
          ) : null}
          {unsynced > 0 ? (
            <button type="button" className="button" onClick={sync} disabled={busy}>
              Sync {unsynced} admission{unsynced === 1 ? '' : 's'}
            </button>
          ) : null}
        </div>
      </section>

      <form className="card form check-in__form" onSubmit={onSubmit} aria-busy={busy}>
        <label htmlFor="check-in-code">Ticket code</label>
        <p id="check-in-code-hint" className="field-hint">
          Scan the QR code, or paste or type the code shown under it.
        </p>
        <textarea
          id="check-in-code"
          name="code"
          className="input check-in__code"
          aria-describedby="check-in-code-hint"
          rows={3}
          autoComplete="off"
          spellCheck={false}
          value={code}
          onChange={(change) => setCode(change.target.value)}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy || code.trim() === ''}>
            Check in
          </button>
          {cameraAvailable ? (
            <button type="button" className="button button--secondary" onClick={() => setScanning(!scanning)}>
              {scanning ? 'Stop camera' : 'Scan with camera'}
            </button>
          ) : null}
        </div>
        {scanning ? <video ref={video} className="check-in__video" muted playsInline /> : null}
      </form>

      <section aria-labelledby="check-in-results">
        <h2 id="check-in-results">Scans</h2>
        <ol className="check-in__results" aria-live="polite">
          {outcomes.map((outcome) => (
            <li key={outcome.id} className={`check-in__result check-in__result--${outcome.tone}`}>
              {outcome.text}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
