// The data-protection officer's pages (loaded on demand).
export function DpoArea() {
  return <h1>Datenschutz</h1>;
}
