/** Shown on every page while payments run the sandbox gateway: test cards only, nothing is charged. */
export function SandboxBanner() {
  return (
    <div className="sandbox-banner" role="status">
      <strong>Sandbox — no money moves.</strong>{' '}
      {/* Left out on small screens, where the banner keeps to one line; the order page lists the test cards. */}
      <span className="sandbox-banner__more">
        Payments are simulated: pay with a test card such as 4242 4242 4242 4242.
      </span>
    </div>
  );
}
