'use client';

import { useEffect, useRef, useState } from 'react';

/** One document the page can show: a service's OpenAPI document (fetched from the service) or the events' AsyncAPI document. */
export type ApiDocument =
  | { id: string; title: string; kind: 'openapi'; url: string }
  | { id: string; title: string; kind: 'asyncapi'; document: object };

type SwaggerUi = (options: Record<string, unknown>) => unknown;
interface AsyncApiStandalone {
  render(props: { schema: object; config: Record<string, unknown> }, element: HTMLElement): void;
}
declare global {
  interface Window {
    SwaggerUIBundle?: SwaggerUi;
    AsyncApiStandalone?: AsyncApiStandalone;
  }
}

/** The renderers ship with the app (public/vendor, see scripts/copy-vendor.mjs): loaded once, on first use. */
const loaded = new Map<string, Promise<void>>();
function load(script: string, stylesheet: string): Promise<void> {
  let done = loaded.get(script);
  if (!done) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = stylesheet;
    document.head.append(link);
    done = new Promise<void>((resolve, reject) => {
      const element = document.createElement('script');
      element.src = script;
      element.onload = () => resolve();
      element.onerror = () => reject(new Error(`${script} did not load`));
      document.body.append(element);
    });
    loaded.set(script, done);
  }
  return done;
}

async function render(doc: ApiDocument, element: HTMLElement): Promise<void> {
  if (doc.kind === 'openapi') {
    await load('/vendor/swagger-ui-bundle.js', '/vendor/swagger-ui.css');
    window.SwaggerUIBundle!({
      url: doc.url,
      domNode: element,
      deepLinking: false,
      // No badge from the online validator: nothing may be loaded from another host.
      validatorUrl: null,
      // Reads can be tried from the page (with the visitor's own session); writes are only documented.
      supportedSubmitMethods: ['get'],
      defaultModelsExpandDepth: 0,
    });
  } else {
    await load('/vendor/asyncapi-standalone.js', '/vendor/asyncapi.css');
    window.AsyncApiStandalone!.render(
      { schema: doc.document, config: { show: { sidebar: false, errors: true }, expand: { messageExamples: false } } },
      element,
    );
  }
}

/** Tabs, one per document; the selected one is rendered by its renderer. */
export function ApiDocs({ documents }: { documents: ApiDocument[] }) {
  const [selected, setSelected] = useState(documents[0]!.id);
  const [failed, setFailed] = useState<string>();
  const target = useRef<HTMLDivElement>(null);
  const doc = documents.find((candidate) => candidate.id === selected)!;

  useEffect(() => {
    const element = target.current;
    if (!element) return;
    let current = true;
    setFailed(undefined);
    element.replaceChildren();
    const mount = document.createElement('div');
    element.append(mount);
    render(doc, mount).catch((error: Error) => {
      if (current) setFailed(error.message);
    });
    return () => {
      current = false;
    };
  }, [doc]);

  return (
    <div className="api-docs">
      <div role="tablist" aria-label="API documents" className="api-docs__tabs">
        {documents.map((candidate) => (
          <button
            key={candidate.id}
            type="button"
            role="tab"
            id={`api-tab-${candidate.id}`}
            aria-selected={candidate.id === selected}
            aria-controls="api-docs-panel"
            className="api-docs__tab"
            onClick={() => setSelected(candidate.id)}
          >
            {candidate.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="api-docs-panel" aria-labelledby={`api-tab-${selected}`} className="api-docs__panel">
        {failed && (
          <p role="alert" className="notice notice--problem">
            The documentation could not be shown: {failed}
          </p>
        )}
        <div ref={target} data-document={doc.id} />
      </div>
    </div>
  );
}
