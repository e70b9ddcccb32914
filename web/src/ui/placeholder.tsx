// Stands in for a page under construction.
export function Placeholder() {
  return <h1>Flurfunk</h1>;
}
