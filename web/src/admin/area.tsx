// The administrators' pages (loaded on demand).
export function AdminArea() {
  return <h1>Administration</h1>;
}
