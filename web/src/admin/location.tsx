// A place in the policy folder as admins look it up in their editor: "spaces.yaml:12".
export function Loc({ file, line }: { file: string | null; line: number | null }) {
  if (file === null) return null;
  return <code class="loc">{line === null ? file : `${file}:${line}`}</code>;
}
